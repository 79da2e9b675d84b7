package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Guest size of one instance: {@code {"vcpus": 1, "memoryMiB": 128}}. Also a node's capacity and allocation. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resources(Integer vcpus, Integer memoryMiB) {}
