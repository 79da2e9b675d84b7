package dev.wisp.runtime.qemu;

import dev.wisp.runtime.Accelerator;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.GuestMemory;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code qemu-system-x86_64 -M microvm} command line for one VM. Sandboxed: seccomp on
 * (no spawning, no privilege changes), the network as its slot says (user networking with
 * {@code restrict=on}, or a TAP behind nftables: docs/networking.md), no default devices, no config files read.
 */
final class QemuCommandLine {
    /**
     * The file {@code wisp setup --kernel wisp} keeps beside Wisp's own kernel (its config fragment,
     * the image module's {@code WispKernelConfig.FILE_NAME}): how a kernel is known to be Wisp's.
     */
    static final String WISP_KERNEL_MARKER = "wisp-kernel.config";

    /** The QMP socket's name in the VM's directory. */
    static final String QMP_SOCKET = "qmp.sock";
    /**
     * The RAM backend's id, the same in every memory mode so that a migration stream from one mode
     * loads into another (QEMU matches RAM blocks by name).
     */
    static final String MEMORY_BACKEND_ID = "mem";

    /** A volume's disk serial, then its index: the guest init finds {@code wisp.volN=PATH} by it. */
    static final String VOLUME_SERIAL = "wisp-vol";

    /** No default devices, no config files, no display, and quit rather than reboot: every VM's. */
    static final List<String> BARE_MACHINE =
            List.of("-nodefaults", "-no-user-config", "-display", "none", "-no-reboot");

    private QemuCommandLine() {}

    static List<String> build(
            String qemuBinary,
            Accelerator accel,
            VmSpec spec,
            String instanceId,
            Path qmpSocket,
            String netdev,
            GuestMemory memory,
            boolean incoming,
            boolean wispKernel,
            boolean leanVmm) {
        List<String> cmd = new ArrayList<>();
        cmd.add(qemuBinary);
        cmd.addAll(List.of("-name", "wisp-" + instanceId + ",process=wisp-" + instanceId));
        // Wisp's own kernel has no ACPI (built with it, it failed to load microvm's tables and /init
        // never ran): with acpi=off QEMU lists the virtio-mmio devices on the kernel command line.
        cmd.addAll(List.of("-M", "microvm,memory-backend=" + MEMORY_BACKEND_ID + (wispKernel ? ",acpi=off" : "")));
        cmd.addAll(List.of("-accel", TcgCache.of(incoming, leanVmm).accelOption(accel)));
        cmd.addAll(List.of("-cpu", accel == Accelerator.KVM ? "host" : "max"));
        cmd.addAll(List.of("-smp", Integer.toString(spec.vcpus())));
        cmd.addAll(List.of("-m", spec.memoryMib() + "M"));
        cmd.addAll(List.of("-object", memoryObject(memory, spec.memoryMib())));
        cmd.addAll(BARE_MACHINE);
        // Snapshots carry no run state, so a load into a VMM started without -S runs the vCPUs the
        // moment it ends (QEMU's autostart): no `cont` round trip on a wake. The runtime types the
        // guest's new identity right after, and routes no request before the guest has taken it.
        cmd.addAll(List.of("-global", "migration.store-global-state=off"));
        cmd.addAll(List.of("-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"));
        cmd.addAll(List.of("-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console"));
        cmd.addAll(List.of("-qmp", "unix:" + qmpSocket + ",server=on,wait=off"));
        cmd.addAll(List.of("-kernel", spec.boot().kernel().toString()));
        cmd.addAll(List.of("-initrd", spec.boot().initrd().toString()));
        cmd.addAll(List.of("-append", kernelCmdline(spec, instanceId, wispKernel)));
        cmd.addAll(List.of("-netdev", netdev));
        cmd.addAll(List.of("-device", "virtio-net-device,netdev=net0"));
        List<Path> disks = spec.boot().disks();
        for (int i = 0; i < disks.size(); i++) {
            cmd.addAll(List.of("-drive", "file=" + disks.get(i) + ",if=none,id=disk" + i + ",format=raw,readonly=on"));
            cmd.addAll(List.of("-device", "virtio-blk-device,drive=disk" + i));
        }
        // Volumes are told apart from the app disk by serial (the guest's device order is not
        // the command line's); written through, so a stopped VMM has left nothing unwritten.
        List<Volume> volumes = spec.boot().volumes();
        for (int i = 0; i < volumes.size(); i++) {
            cmd.addAll(List.of(
                    "-drive",
                    "file=" + volumes.get(i).file() + ",if=none,id=vol" + i + ",format=raw,cache=writethrough"));
            cmd.addAll(List.of("-device", "virtio-blk-device,drive=vol" + i + ",serial=" + VOLUME_SERIAL + i));
        }
        if (incoming) {
            cmd.addAll(List.of("-incoming", "defer"));
        }
        return cmd;
    }

    /** QEMU's {@code -object} value for this memory. */
    static String memoryObject(GuestMemory memory, int memoryMib) {
        String size = memoryMib + "M";
        return switch (memory) {
            case GuestMemory.Anonymous a -> "memory-backend-ram,id=" + MEMORY_BACKEND_ID + ",size=" + size;
            case GuestMemory.SharedFile s ->
                "memory-backend-file,id=" + MEMORY_BACKEND_ID + ",size=" + size + ",mem-path=" + s.file() + ",share=on";
            case GuestMemory.PrivateFile p ->
                "memory-backend-file,id=" + MEMORY_BACKEND_ID + ",size=" + size + ",mem-path=" + p.file()
                        + ",share=off";
        };
    }

    static String kernelCmdline(VmSpec spec, String instanceId, boolean wispKernel) {
        List<String> params = new ArrayList<>(BootSource.BASE_KERNEL_PARAMETERS);
        if (wispKernel) {
            params.addAll(BootSource.WISP_KERNEL_PARAMETERS);
            if (namesOwnNetwork(spec.boot().cmdline())) {
                params.remove(BootSource.KERNEL_IP_PARAMETER); // init sets the image's own address
            }
        }
        params.add("wisp.id=" + instanceId);
        List<Volume> volumes = spec.boot().volumes();
        for (int i = 0; i < volumes.size(); i++) {
            params.add("wisp.vol" + i + "=" + volumes.get(i).mountPath());
        }
        params.addAll(spec.boot().cmdline());
        return String.join(" ", params);
    }

    /** Whether an image's own kernel parameters give the guest another address or route. */
    private static boolean namesOwnNetwork(List<String> cmdline) {
        return cmdline.stream().anyMatch(p -> p.startsWith("wisp.ip=") || p.startsWith("wisp.gw="));
    }

    /** Whether {@code vmlinux} (a path on the host, not in a jail) is Wisp's own kernel. */
    static boolean isWispKernel(Path vmlinux) {
        Path dir = vmlinux.toAbsolutePath().getParent();
        return dir != null && Files.isRegularFile(dir.resolve(WISP_KERNEL_MARKER));
    }
}
