package dev.wisp.node;

/**
 * A node's size and what its instances hold now. Running and paused instances hold their VM's
 * memory and vCPUs; snapshotted ones hold only disk.
 *
 * @param vcpus              host CPUs
 * @param memoryMiB          host memory
 * @param allocatedVcpus     vCPUs of running and paused instances (may exceed {@code vcpus})
 * @param allocatedMemoryMiB guest memory of running and paused instances (and VMs being started)
 * @param running            instances serving
 * @param paused             instances paused (memory kept)
 * @param snapshotted        instances on disk only
 * @param memoryLimitMiB     guest memory the node admits in total: (memory - reserve) x overcommit
 * @param refusals           starts refused so far because they did not fit
 */
public record NodeCapacity(
        int vcpus,
        long memoryMiB,
        int allocatedVcpus,
        long allocatedMemoryMiB,
        int running,
        int paused,
        int snapshotted,
        long memoryLimitMiB,
        long refusals) {
    /** Guest memory that may still be admitted. */
    public long freeMemoryMiB() {
        return Math.max(0, memoryLimitMiB - allocatedMemoryMiB);
    }
}
