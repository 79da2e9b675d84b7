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
}
