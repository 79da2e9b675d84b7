package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A VMM driver: what the runtime needs from a virtual machine monitor to run {@link Instance}s.
 * QEMU's {@code microvm} machine ({@code dev.wisp.runtime.qemu}) is the driver that runs on these
 * hosts; a Firecracker or Cloud Hypervisor driver goes in a package of its own beside it and
 * changes no caller: {@link VmRuntime#start} is the one place that picks the driver.
 *
 * <p><b>Internal: used by the drivers, not an API for other modules.</b>
 *
 * <h2>What a driver must do</h2>
 * <ul>
 *   <li><b>Start a VMM for a {@link Launch}</b>, either booting the spec's kernel
 *       ({@link #boot}) or waiting, vCPUs never run, for a saved state to be loaded into it
 *       ({@link #startIncoming}). Either way: {@code spec.vcpus()} vCPUs and
 *       {@code spec.memoryMib()} MiB of RAM backed as {@link Launch#memory()} says (anonymous;
 *       a file mapped shared; a file mapped private); the spec's kernel, initrd and optional
 *       read-only disk; the kernel parameters {@link BootSource#BASE_KERNEL_PARAMETERS}, then
 *       {@code wisp.id=<instanceId>}, then the image's own; one virtio network device attached as
 *       {@link dev.wisp.runtime.net.NetSlot#netdev} says (user networking with only
 *       {@code 127.0.0.1:port} forwarded in, or a TAP in the VM's own network namespace); the
 *       guest's serial console on the VMM's stdin/stdout with the VMM's own error output merged
 *       in, handed to {@link Launch#console()} through {@link Console#connect}; the environment
 *       never on a command line. The VMM runs sandboxed as far as the VMM allows.</li>
 *   <li><b>Spawn through {@link VmmLauncher#start}</b> in {@link Launch#directory()} (which ties the
 *       process to the platform's life and writes its pid file for the start-up sweep), with
 *       {@code wisp-<instanceId>} in its command line: the sweep kills a leftover pid only if its
 *       command line says so. Control sockets go in that directory; nothing else is written
 *       outside it.</li>
 *   <li><b>Return only once the VMM answers on its control channel</b>; if it dies or never
 *       answers, kill it and throw with the VMM's last console line.</li>
 *   <li><b>Implement {@link VmHandle}</b>: pause, resume, save and load state (checked against the
 *       recorded size and CRC32C), stop, kill, and report the process (alive, exit, pid).</li>
 *   <li><b>Save only what is not already on disk</b>: with RAM in a shared file, the state holds
 *       devices only; with RAM mapped privately from a file, the state may leave out the pages
 *       that equal that file (a clone's standby snapshot), and must load onto that same file.</li>
 * </ul>
 *
 * <h2>What the generic code does for it</h2>
 * Instance ids and their checks, loopback ports, owner-only run directories and their removal,
 * the instance state machine and its events, failure handling (a dead VMM, a full disk),
 * snapshot metadata ({@code SnapshotStore}) and templates, the pool of VMMs started ahead
 * ({@code VmmPool}, through {@link #startIncoming}), the console's lines, markers and bounded
 * tail ({@link Console}), the guest protocol on the console (environment, ready, re-identify
 * after a restore: docs/guest-protocol.md), and sweeping VMMs left by a killed platform.
 */
public interface Vmm {
    /** Short name for logs, e.g. {@code qemu-microvm}. */
    String name();

    /** The accelerator this driver runs guests with (chosen by probe or forced). */
    Accelerator accelerator();

    /** Why that accelerator, for users: forced, probed, cached. */
    String acceleratorReason();

    /** Starts a VM that boots its kernel. Returns once the VMM answers on its control channel. */
    VmHandle boot(Launch launch) throws IOException;

    /**
     * Starts a VMM that waits for a saved state instead of booting: the first half of a restore,
     * which a pool can do ahead of time. {@link VmHandle#loadState} is the second half.
     */
    VmHandle startIncoming(Launch launch) throws IOException;

    /**
     * Everything one VM process needs.
     *
     * @param instanceId id, also the guest's hostname; at most 40 of {@code [a-z0-9-]}
     * @param spec       vCPUs, memory, boot files
     * @param directory  the VM's own private directory (control sockets, pid file), existing
     * @param net        the VM's network: where the host reaches the guest, how the VMM attaches
     * @param memory     where guest RAM lives
     * @param console    where the guest's serial console goes (not yet connected)
     */
    record Launch(
            String instanceId,
            VmSpec spec,
            Path directory,
            dev.wisp.runtime.net.NetSlot net,
            GuestMemory memory,
            Console console) {}
}
