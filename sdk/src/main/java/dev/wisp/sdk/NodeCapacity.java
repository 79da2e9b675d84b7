package dev.wisp.sdk;

/**
 * A node's size: its vCPUs and memory, and the guest memory it admits ({@code memoryLimitMiB}: the
 * rest is kept for the host). Memory figures are MiB, int32 like every memory figure of the API.
 */
@ApiShape
public record NodeCapacity(Integer vcpus, Integer memoryMiB, Integer memoryLimitMiB) {}
