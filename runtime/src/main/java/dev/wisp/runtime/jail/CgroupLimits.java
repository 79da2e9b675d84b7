package dev.wisp.runtime.jail;

/**
 * Limits of one cgroup; {@code -1} leaves one unset.
 *
 * @param cpus        CPU time per period, in whole CPUs (its vCPUs, for a VM)
 * @param memoryBytes memory limit
 * @param pids        most processes and threads
 */
record CgroupLimits(int cpus, long memoryBytes, long pids) {
    /** The CFS period every quota here is a share of. */
    static final long PERIOD_US = 100_000;

    public static final CgroupLimits NONE = new CgroupLimits(-1, -1, -1);

    /**
     * The CFS burst of a quota of {@code cpus}: as much again as one period's quota (the most the
     * kernel takes). A VMM's own threads (QEMU's main loop beside its vCPU threads) use more than
     * its vCPUs for moments, at boot most; without a burst the group then waits for the next period
     * (up to 100 ms a time), with it the quota it left unused before (QEMU's single-threaded start)
     * covers them. The long-run average stays at the quota.
     */
    static long burstUs(int cpus) {
        return cpus * PERIOD_US;
    }
}
