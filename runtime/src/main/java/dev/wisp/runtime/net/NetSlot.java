package dev.wisp.runtime.net;

import java.util.Optional;

/**
 * One VMM's network: where the host reaches its guest, how the VMM attaches to it, and (on TAP)
 * the egress policy of its guest. Made before the VMM starts (a pooled VMM has one too), freed
 * with {@link #release()} once the VMM is gone.
 *
 * <p><b>Internal: used by the runtime and its drivers, not an API for other modules.</b>
 */
public interface NetSlot {
    /** The address the host connects to for the guest's port: loopback, or the VM's veth address. */
    String address();

    /** The port at {@link #address()} that reaches the guest's app. */
    int port();

    /**
     * QEMU's {@code -netdev} value. {@code tapAsFd}: the VMM gets the TAP already open as
     * {@link #TAP_FD} (a jailed VMM cannot open it itself).
     */
    String netdev(boolean tapAsFd);

    /** The network namespace the VMM must run in (TAP), or empty (user networking). */
    Optional<String> namespace();

    /** Where the guest may connect to; on user networking it reaches nothing whatever this says. */
    void egress(Egress egress);

    /** Frees the slot (namespace, devices, rules, port); the VMM must be gone. Idempotent. */
    void release();

    /** The file descriptor a jailed VMM finds its TAP on. */
    int TAP_FD = 3;

    /** The TAP's name inside a VM's namespace. */
    String TAP = "tap0";
}
