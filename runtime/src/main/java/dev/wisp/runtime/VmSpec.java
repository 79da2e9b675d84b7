package dev.wisp.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * The shape of one microVM.
 *
 * @param boot         what it boots
 * @param vcpus        virtual CPUs, 1 to {@value #MAX_VCPUS}
 * @param memoryMib    guest memory in MiB, {@value #MIN_MEMORY_MIB} to {@value #MAX_MEMORY_MIB}
 * @param guestPort    the TCP port the app listens on inside the guest
 * @param readyTimeout how long a boot may take until the app listens
 */
public record VmSpec(BootSource boot, int vcpus, int memoryMib, int guestPort, Duration readyTimeout) {
    public static final int MAX_VCPUS = 32;
    /**
     * The least any guest gets: Wisp's own kernel boots the hello app in 32 MiB. A kernel may need
     * more (Debian's cloud kernel 64 MiB); the image module's {@code KernelMemory} says how much.
     */
    public static final int MIN_MEMORY_MIB = 32;

    public static final int MAX_MEMORY_MIB = 65536;
    /** Boots under TCG on two busy cores have been seen to take 10 s; leave room. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    public VmSpec {
        Objects.requireNonNull(boot, "boot");
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("vcpus must be 1.." + MAX_VCPUS + ", got " + vcpus);
        }
        if (memoryMib < MIN_MEMORY_MIB || memoryMib > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException(
                    "memory must be " + MIN_MEMORY_MIB + ".." + MAX_MEMORY_MIB + " MiB, got " + memoryMib);
        }
        if (guestPort < 1 || guestPort > 65535) {
            throw new IllegalArgumentException("guest port must be 1..65535, got " + guestPort);
        }
        readyTimeout = readyTimeout == null ? DEFAULT_READY_TIMEOUT : readyTimeout;
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("ready timeout must be positive, got " + readyTimeout);
        }
    }

    /** A spec with 1 vCPU, 256 MiB and the default ready timeout. */
    public static VmSpec of(BootSource boot, int guestPort) {
        return new VmSpec(boot, 1, 256, guestPort, DEFAULT_READY_TIMEOUT);
    }

    public VmSpec withResources(int vcpus, int memoryMib) {
        return new VmSpec(boot, vcpus, memoryMib, guestPort, readyTimeout);
    }

    public VmSpec withReadyTimeout(Duration timeout) {
        return new VmSpec(boot, vcpus, memoryMib, guestPort, timeout);
    }
}
