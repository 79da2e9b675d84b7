package dev.wisp.runtime.jail;

/**
 * How VMMs are jailed (see {@link Jailer}).
 *
 * @param enabled           jail every VMM; needs root
 * @param uidBase           first id of the range: the group every VMM shares is {@code uidBase},
 *                          VM slot {@code n} runs as uid and gid {@code uidBase + 1 + n}
 * @param uidCount          slots in the range: at most this many VMMs at once
 * @param memoryOverheadMib what a VMM may use beyond its guest's RAM before its memory limit
 *                          kills it (measured: see README, Security)
 * @param pidsMax           processes and threads per VMM (QEMU's threads and the jail's waiter)
 * @param openFiles         open-file limit of a VMM
 */
public record JailConfig(
        boolean enabled, int uidBase, int uidCount, int memoryOverheadMib, int pidsMax, int openFiles) {
    /** Default range start: above the ids a Debian host hands out to people and daemons. */
    public static final int DEFAULT_UID_BASE = 100_000;
    /** Measured peak beyond guest RAM under TCG is below 100 MiB (README, Security); with room. */
    public static final int DEFAULT_MEMORY_OVERHEAD_MIB = 160;
    /** QEMU under TCG runs about 10 threads (main, RCU, one per vCPU, I/O workers, migration). */
    public static final int DEFAULT_PIDS_MAX = 128;

    /** Jailed, with the default range and limits. */
    public static final JailConfig DEFAULT =
            new JailConfig(true, DEFAULT_UID_BASE, 4096, DEFAULT_MEMORY_OVERHEAD_MIB, DEFAULT_PIDS_MAX, 1024);
    /** Not jailed: VMMs run as the platform's user, in its cgroup, as before. */
    public static final JailConfig OFF = DEFAULT.withEnabled(false);

    public JailConfig {
        if (uidBase < 1000 || (long) uidBase + uidCount > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("jail uid range must start at 1000 or above, got " + uidBase);
        }
        if (uidCount < 1) {
            throw new IllegalArgumentException("jail uid range needs at least 1 id, got " + uidCount);
        }
        if (memoryOverheadMib < 0 || pidsMax < 8 || openFiles < 64) {
            throw new IllegalArgumentException("jail limits too small: memory overhead " + memoryOverheadMib
                    + " MiB (>= 0), pids " + pidsMax + " (>= 8), open files " + openFiles + " (>= 64)");
        }
    }

    /** Jailed when this process is root (only root can jail), otherwise off. */
    public static JailConfig forThisProcess() {
        return Privileges.isRoot() ? DEFAULT : OFF;
    }

    public JailConfig withEnabled(boolean on) {
        return new JailConfig(on, uidBase, uidCount, memoryOverheadMib, pidsMax, openFiles);
    }

    public JailConfig withMemoryOverheadMib(int mib) {
        return new JailConfig(enabled, uidBase, uidCount, mib, pidsMax, openFiles);
    }

    public JailConfig withUidRange(int base, int count) {
        return new JailConfig(enabled, base, count, memoryOverheadMib, pidsMax, openFiles);
    }
}
