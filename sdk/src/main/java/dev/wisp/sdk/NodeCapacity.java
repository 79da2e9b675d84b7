package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A node's size: its vCPUs and memory, and the guest memory it admits ({@code memoryLimitMiB}: the
 * rest is kept for the host). Memory figures are MiB, int32 like every memory figure of the API.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeCapacity(Integer vcpus, Integer memoryMiB, Integer memoryLimitMiB) {}
