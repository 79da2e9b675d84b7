package dev.wisp.runtime.qemu;

import dev.wisp.runtime.Accelerator;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmException;
import dev.wisp.runtime.VmHandle;
import dev.wisp.runtime.Vmm;
import dev.wisp.runtime.jail.Jailer;
import dev.wisp.runtime.jail.VmmJail;
import dev.wisp.runtime.vmm.VmmBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Vmm} driver for QEMU's {@code microvm} machine.
 *
 * <p><b>Internal: used by the runtime to pick its driver, not an API for other modules.</b>
 */
public final class QemuMicrovm implements Vmm {
    private final String qemuBinary;
    private final Accelerator accelerator;
    private final String acceleratorReason;
    private final Optional<Jailer> jailer;
    /** Wisp's build of the current configuration: it takes TCG's {@code flush-on-stop} and {@code tcg-flush}. */
    private final boolean leanVmm;

    QemuMicrovm(String qemuBinary, Accelerator accelerator, String acceleratorReason, Optional<Jailer> jailer) {
        this.qemuBinary = qemuBinary;
        this.accelerator = accelerator;
        this.acceleratorReason = acceleratorReason;
        this.jailer = jailer;
        this.leanVmm = VmmBuilder.isCurrentWispVmm(Path.of(qemuBinary));
    }

    /**
     * The driver for this host: checks that {@code config.qemuBinary()} runs and that the kernel
     * exists, then picks the accelerator (with {@code AUTO}, a probe of whether KVM boots
     * {@code kernel} here, cached after the first time, falling back to TCG). Every problem is a
     * one-line {@link VmException}.
     */
    public static QemuMicrovm open(RuntimeConfig config, Path kernel) {
        return open(config, kernel, Optional.empty());
    }

    /** As {@link #open(RuntimeConfig, Path)}, every VMM run in a jail of {@code jailer}'s when present. */
    public static QemuMicrovm open(RuntimeConfig config, Path kernel, Optional<Jailer> jailer) {
        requireQemu(config.qemuBinary());
        if (!Files.isRegularFile(kernel)) {
            throw new VmException("kernel not found: " + kernel);
        }
        AcceleratorProbe.Verdict verdict = new AcceleratorProbe(
                        config.qemuBinary(), config.home().resolve("accelerator-probe.properties"))
                .choose(config.accelerator(), kernel);
        return new QemuMicrovm(config.qemuBinary(), verdict.accelerator(), verdict.reason(), jailer);
    }

    private static void requireQemu(String binary) {
        try {
            Process p = new ProcessBuilder(binary, "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new VmException(binary + " --version failed");
            }
        } catch (IOException e) {
            throw new VmException("QEMU not found (" + binary + "): install qemu-system-x86 or run ./wisp setup");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while checking QEMU");
        }
    }

    @Override
    public String name() {
        return "qemu-microvm";
    }

    @Override
    public Accelerator accelerator() {
        return accelerator;
    }

    @Override
    public String acceleratorReason() {
        return acceleratorReason;
    }

    @Override
    public VmHandle boot(Launch launch) throws IOException {
        return start(launch, false);
    }

    @Override
    public VmHandle startIncoming(Launch launch) throws IOException {
        return start(launch, true);
    }

    private VmHandle start(Launch launch, boolean incoming) throws IOException {
        VmmJail jail = jailer.map(j -> j.enter(
                        launch.directory().getFileName().toString(),
                        launch.directory(),
                        launch.spec(),
                        launch.memory(),
                        accelerator,
                        launch.net()))
                .orElseGet(() ->
                        VmmJail.none(qemuBinary, launch.spec(), launch.memory(), launch.directory(), launch.net()));
        try {
            boolean flushWhenSettled = accelerator == Accelerator.TCG && TcgCache.flushWhenSettled(leanVmm);
            return QemuProcess.start(jail.wrap(commandLine(launch, jail, incoming)), launch, jail, flushWhenSettled);
        } catch (IOException | RuntimeException e) {
            jail.release();
            throw e;
        }
    }

    /** The command line in the VMM's own terms: jailed, its files have the names its jail gives them. */
    private List<String> commandLine(Launch launch, VmmJail jail, boolean incoming) {
        return QemuCommandLine.build(
                jail.binary(),
                accelerator,
                jail.spec(),
                launch.instanceId(),
                jail.directory().resolve(QemuCommandLine.QMP_SOCKET),
                // A jailed VMM cannot open /dev/net/tun: the jail hands it the TAP open.
                launch.net().netdev(jailer.isPresent()),
                jail.memory(),
                incoming,
                // decided on the host's path: in a jail the kernel is just /kernel
                QemuCommandLine.isWispKernel(launch.spec().boot().kernel()),
                leanVmm);
    }
}
