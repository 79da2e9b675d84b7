package dev.wisp.sdk;

/** Guest size of one instance: {@code {"vcpus": 1, "memoryMiB": 128}}. Also a node's capacity and allocation. */
@ApiShape
public record Resources(Integer vcpus, Integer memoryMiB) {}
