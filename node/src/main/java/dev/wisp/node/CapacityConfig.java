package dev.wisp.node;

/**
 * How much of the host a node hands out to microVMs. Memory is the hard limit: a VM that does not
 * fit is not started. vCPUs are only counted (they may be overcommitted: an idle guest costs no CPU).
 *
 * @param memoryMiB        host memory to plan with; 0 reads {@code MemTotal} from {@code /proc/meminfo}
 * @param vcpus            host CPUs to report; 0 takes {@link Runtime#availableProcessors()}
 * @param reserveMiB       kept for the host itself (the JVM, QEMU's own overhead, the page cache)
 * @param memoryOvercommit how far guest memory may exceed what is left: 1.0 never overcommits
 */
public record CapacityConfig(long memoryMiB, int vcpus, long reserveMiB, double memoryOvercommit) {
    /** 1 GiB kept back for the host. */
    public static final long DEFAULT_RESERVE_MIB = 1024;

    public CapacityConfig {
        if (memoryMiB < 0 || vcpus < 0 || reserveMiB < 0) {
            throw new IllegalArgumentException("capacity sizes must be >= 0, got memory " + memoryMiB + " MiB, " + vcpus
                    + " vCPUs, reserve " + reserveMiB + " MiB");
        }
        if (!(memoryOvercommit >= 1.0 && memoryOvercommit <= 10.0)) {
            throw new IllegalArgumentException("memory overcommit must be 1.0..10.0, got " + memoryOvercommit);
        }
    }

    /** The host's own size, 1 GiB reserve, no memory overcommit. */
    public static CapacityConfig defaults() {
        return new CapacityConfig(0, 0, DEFAULT_RESERVE_MIB, 1.0);
    }

    /** A fixed size instead of the host's (for tests and for sharing a host with other work). */
    public CapacityConfig withSize(long memoryMiB, int vcpus) {
        return new CapacityConfig(memoryMiB, vcpus, reserveMiB, memoryOvercommit);
    }

    public CapacityConfig withReserve(long reserveMiB) {
        return new CapacityConfig(memoryMiB, vcpus, reserveMiB, memoryOvercommit);
    }

    public CapacityConfig withMemoryOvercommit(double ratio) {
        return new CapacityConfig(memoryMiB, vcpus, reserveMiB, ratio);
    }
}
