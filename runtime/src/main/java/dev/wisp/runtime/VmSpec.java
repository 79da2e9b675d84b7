package dev.wisp.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The shape of one microVM.
 *
 * @param boot         what it boots
 * @param vcpus        virtual CPUs, 1 to {@value #MAX_VCPUS}
 * @param memoryMib    guest memory in MiB, {@value #MIN_MEMORY_MIB} to {@value #MAX_MEMORY_MIB}
 * @param guestPort    the TCP port the app listens on inside the guest
 * @param readyTimeout how long a boot may take until the app listens
 * @param tenant       whose VM it is: a jailed VMM's cgroup sits under this tenant's, which
 *                     carries the tenant's quota ({@value #DEFAULT_TENANT} unless set)
 */
public record VmSpec(BootSource boot, int vcpus, int memoryMib, int guestPort, Duration readyTimeout, String tenant) {
    public static final int MAX_VCPUS = 32;
    /**
     * The least any guest gets: Wisp's own kernel boots the hello app in 32 MiB. A kernel may need
     * more (Debian's cloud kernel 64 MiB); the image module's {@code KernelMemory} says how much.
     */
    public static final int MIN_MEMORY_MIB = 32;

    public static final int MAX_MEMORY_MIB = 65536;
    /** Boots under TCG on two busy cores have been seen to take 10 s; leave room. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
    /** The tenant of a VM nobody named one for (a single-user host, tests). */
    public static final String DEFAULT_TENANT = "default";
    /** A cgroup directory name: the control plane's tenant names fit it. */
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

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
        tenant = tenant == null ? DEFAULT_TENANT : tenant;
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException(
                    "invalid tenant '" + tenant + "': use 1-63 of a-z, 0-9 and '-', starting with a letter or digit");
        }
    }

    /** A spec of the {@value #DEFAULT_TENANT} tenant. */
    public VmSpec(BootSource boot, int vcpus, int memoryMib, int guestPort, Duration readyTimeout) {
        this(boot, vcpus, memoryMib, guestPort, readyTimeout, DEFAULT_TENANT);
    }

    /** A spec with 1 vCPU, 256 MiB and the default ready timeout. */
    public static VmSpec of(BootSource boot, int guestPort) {
        return new VmSpec(boot, 1, 256, guestPort, DEFAULT_READY_TIMEOUT);
    }

    public VmSpec withResources(int vcpus, int memoryMib) {
        return new VmSpec(boot, vcpus, memoryMib, guestPort, readyTimeout, tenant);
    }

    /** The same VM booting from {@code source} (say, with this instance's volumes attached). */
    public VmSpec withBoot(BootSource source) {
        return new VmSpec(source, vcpus, memoryMib, guestPort, readyTimeout, tenant);
    }

    public VmSpec withReadyTimeout(Duration timeout) {
        return new VmSpec(boot, vcpus, memoryMib, guestPort, timeout, tenant);
    }

    /** The same VM, owned by {@code owner} (its VMM's cgroup goes under that tenant's). */
    public VmSpec withTenant(String owner) {
        return new VmSpec(boot, vcpus, memoryMib, guestPort, readyTimeout, owner);
    }
}
