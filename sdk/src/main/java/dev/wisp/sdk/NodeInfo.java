package dev.wisp.sdk;

/**
 * A node's capacity, what is allocated on it, its instances per tier and its router's URL.
 *
 * @param refusals instance starts refused for lack of memory
 * @param state in cluster mode: ready, draining or lost (null on a single host)
 * @param leader in cluster mode: whether it runs the cluster-wide loops now
 * @param apiUrl in cluster mode: its API
 * @param lastSeen in cluster mode: when it last wrote its record
 */
@ApiShape
public record NodeInfo(
        String name,
        NodeCapacity capacity,
        Resources allocated,
        TierCounts instances,
        Long refusals,
        String routerUrl,
        String state,
        Boolean leader,
        String apiUrl,
        String lastSeen) {
    /** A single host's node: no cluster fields. */
    public NodeInfo(
            String name,
            NodeCapacity capacity,
            Resources allocated,
            TierCounts instances,
            Long refusals,
            String routerUrl) {
        this(name, capacity, allocated, instances, refusals, routerUrl, null, null, null, null);
    }

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
