package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A VMM driver: starts VM processes from a spec or from a saved state. QEMU's {@code microvm}
 * machine is the driver that runs on these hosts; Firecracker and Cloud Hypervisor drivers slot
 * in behind the same three calls.
 */
public interface Vmm {
    /** Short name, e.g. {@code qemu-microvm}. */
    String name();

    /** The accelerator this driver runs guests with (chosen by probe or forced). */
    Accelerator accelerator();

    /** Starts a VM that boots its kernel. Returns once the VMM answers on its control socket. */
    VmHandle boot(Launch launch) throws IOException;

    /**
     * Starts a VMM that waits for a saved state instead of booting: the first half of a restore,
     * which a pool can do ahead of time. {@link VmHandle#loadState} is the second half.
     */
    VmHandle startIncoming(Launch launch) throws IOException;

    /** Both halves at once: starts a VMM, streams the state in, leaves the VM paused. */
    default VmHandle restore(Launch launch, Path stateFile, VmHandle.SnapshotFiles expected) throws IOException {
        VmHandle handle = startIncoming(launch);
        try {
            handle.loadState(stateFile, expected);
            return handle;
        } catch (IOException | RuntimeException e) {
            handle.kill();
            throw e;
        }
    }

    /**
     * Everything one VM process needs.
     *
     * @param instanceId id, also the guest's hostname
     * @param spec       vCPUs, memory, boot files
     * @param directory  the VM's own private directory (control socket, console log)
     * @param hostPort   loopback port forwarded to the guest's port
     * @param memory     where guest RAM lives
     * @param markers    receives the guest init's console markers
     * @param lines      receives every console line
     */
    record Launch(String instanceId, VmSpec spec, Path directory, int hostPort, GuestMemory memory,
                  Consumer<ConsoleMarker> markers, Consumer<String> lines) { }
}
