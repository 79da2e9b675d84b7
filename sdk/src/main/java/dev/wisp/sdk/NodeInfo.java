package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A node's capacity, what is allocated on it, its instances per tier and its router's URL.
 *
 * @param refusals instance starts refused for lack of memory
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeInfo(
        String name,
        NodeCapacity capacity,
        Resources allocated,
        TierCounts instances,
        Long refusals,
        String routerUrl) {
    /** The shape before {@code memoryLimitMiB} and {@code refusals} were read. */
    public NodeInfo(String name, Resources capacity, Resources allocated, TierCounts instances, String routerUrl) {
        this(
                name,
                capacity == null ? null : new NodeCapacity(capacity.vcpus(), capacity.memoryMiB(), null),
                allocated,
                instances,
                null,
                routerUrl);
    }
}
