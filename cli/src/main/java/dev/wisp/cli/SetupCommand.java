package dev.wisp.cli;

import dev.wisp.common.LongBuild;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelBuilder;
import dev.wisp.image.KernelChoice;
import dev.wisp.image.KernelMemory;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.jail.Jailer;
import dev.wisp.runtime.jail.Privileges;
import dev.wisp.runtime.net.Networking;
import dev.wisp.runtime.vmm.VmmBuilder;
import dev.wisp.runtime.vmm.VmmChoice;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Checks the host, provisions the guest kernel and probes the accelerator, once. */
@Command(
        name = "setup",
        description = "Check host tools, fetch the guest kernel (--kernel wisp: build Wisp's own; --vmm wisp: build"
                + " Wisp's lean QEMU), probe KVM/TCG (idempotent).")
final class SetupCommand extends OutputCommand implements Callable<Integer> {
    /** Host tools Wisp runs, and the Debian package each comes from. */
    static final List<String[]> TOOLS = List.of(
            new String[] {"qemu-system-x86_64", "qemu-system-x86"},
            new String[] {"busybox", "busybox-static"},
            new String[] {"lz4", "lz4"},
            new String[] {"cpio", "cpio"},
            new String[] {"mkfs.ext4", "e2fsprogs"},
            new String[] {"apt-get", "apt"});

    @Mixin
    HostOptions host;

    @Override
    public Integer call() {
        List<String> missing = new ArrayList<>();
        for (String[] tool : TOOLS) {
            if (!onPath(tool[0])) {
                missing.add(tool[1]);
            }
        }
        if (!missing.isEmpty()) {
            throw new Errors.HostException("missing host packages: " + String.join(" ", missing)
                    + " (run scripts/install-deps, or apt-get install them)");
        }
        if (KernelChoice.WISP.equals(host.kernel)) {
            KernelBuilder kernels = new KernelBuilder(host.home());
            buildOnce("kernel", "kernel", "--kernel", kernels.cached().isPresent(), kernels::ensure);
        }
        if (VmmChoice.WISP.equals(host.vmm)) {
            VmmBuilder vmms = new VmmBuilder(host.home());
            buildOnce("QEMU", "VMM", "--vmm", vmms.cached().isPresent(), vmms::ensure);
        }
        Kernel kernel = host.kernel();
        out().println("kernel       " + kernel.version() + "  " + kernel.vmlinux() + "  (floor "
                + KernelMemory.floorMib(kernel.vmlinux()) + " MiB)");
        try (VmRuntime rt = host.startRuntime(kernel)) {
            out().println("accelerator  " + rt.accelerator() + "  (" + rt.acceleratorReason() + ")");
            String vmm = host.vmmBinary();
            out().println("VMM          " + VmmChoice.nameOf(vmm) + "  " + vmm);
            out().println("VMMs         " + rt.isolation());
            out().println("network      " + Networking.describeHost());
        }
        out().println("cgroups      " + Jailer.describeHost());
        if (!Privileges.isRoot()) {
            out().println("jail         cannot jail VMMs without root: `wisp up` needs --no-jail here");
        }
        out().println("home         " + host.home());
        out().println("ready: try ./wisp demo");
        return 0;
    }

    /**
     * Builds one of Wisp's own parts (its kernel, its QEMU) unless it is cached: once, with progress
     * lines, and it then becomes the default.
     */
    private void buildOnce(String part, String role, String flag, boolean cached, Consumer<Consumer<String>> build) {
        if (cached) {
            return;
        }
        long started = System.nanoTime();
        try {
            build.accept(line -> progress().accept("wisp " + role.toLowerCase(Locale.ROOT) + ": " + line));
        } catch (LongBuild.Failure e) {
            throw new Errors.HostException(e.getMessage());
        }
        out().println("built Wisp's " + part + " in "
                + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                + " s; it is now the default " + role + " (" + flag + " debian for Debian's)");
    }

    static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + tool)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
