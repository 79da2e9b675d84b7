package dev.wisp.cli;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelChoice;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.net.NetworkConfig;
import dev.wisp.runtime.vmm.VmmChoice;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command that touches VMs shares: which accelerator, which kernel. */
final class HostOptions {
    @Option(
            names = "--accel",
            paramLabel = "auto|kvm|tcg",
            defaultValue = "auto",
            description = "Accelerator: auto probes KVM and falls back to TCG (default: ${DEFAULT-VALUE}).")
    String accel;

    @Option(
            names = "--kernel",
            paramLabel = "wisp|debian|VMLINUX",
            description = "Guest kernel: wisp (Wisp's own, built by `wisp setup --kernel wisp`), debian (Debian's"
                    + " cloud kernel) or an uncompressed vmlinux file (default: wisp where built, else debian).")
    String kernel;

    @Option(
            names = "--vmm",
            paramLabel = "wisp|debian|QEMU",
            description = "QEMU binary: wisp (Wisp's lean build, by `wisp setup --vmm wisp`), debian (Debian's"
                    + " qemu-system-x86_64) or a path to your own (default: wisp where built, else debian).")
    String vmm;

    @Option(
            names = "--modules",
            paramLabel = "DIR",
            description = "Kernel modules folder for --kernel (virtio_net and friends), if they are not built in.")
    Path modules;

    @Option(
            names = "--vmm-pool",
            defaultValue = "" + RuntimeConfig.DEFAULT_VMM_POOL,
            paramLabel = "N",
            description =
                    "VMM processes kept started ahead for restores and clones, 0 for none (default: ${DEFAULT-VALUE}).")
    int vmmPool;

    Path home() {
        return WispHome.resolve();
    }

    /** The kernel to boot, provisioning Debian's cloud kernel on first use when it is the one. */
    Kernel kernel() {
        return KernelChoice.resolve(kernel, home(), modules);
    }

    /** The QEMU binary to run: {@code --vmm}, else {@code -Dwisp.vmm}, else Wisp's build where built, else Debian's. */
    String vmmBinary() {
        return VmmChoice.resolve(vmm != null ? vmm : System.getProperty(VmmChoice.PROPERTY), home());
    }

    ImageStore images() {
        return new ImageStore(home());
    }

    VmRuntime startRuntime(Kernel k) {
        return VmRuntime.start(runtimeConfig(), k.vmlinux());
    }

    /** The runtime these options ask for: Wisp's home, the accelerator and the VMM pool; the rest as by default. */
    RuntimeConfig hostRuntime() {
        return RuntimeConfig.defaults()
                .withHome(home())
                .withQemuBinary(vmmBinary())
                .withAccelerator(AcceleratorChoice.parse(accel))
                .withVmmPool(vmmPool);
    }

    /** {@link #hostRuntime()} on user networking (jailed when this process is root). */
    RuntimeConfig runtimeConfig() {
        return hostRuntime()
                // Benchmarks measure against raw QEMU on user networking, and reach guests on loopback:
                // the same networking on both sides. `wisp up` takes TAP where it can (--network auto).
                .withNetwork(NetworkConfig.USER);
    }

    static BootSource bootSource(Kernel kernel, Image image) {
        return new BootSource(
                kernel.vmlinux(), image.initrd(), image.disk(), List.of(), java.util.Map.of(), image.layerDisks());
    }
}
