package dev.wisp.runtime.qemu;

import dev.wisp.runtime.Accelerator;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmException;
import dev.wisp.runtime.VmHandle;
import dev.wisp.runtime.Vmm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@link Vmm} driver for QEMU's {@code microvm} machine.
 *
 * <p><b>Internal: used by the runtime to pick its driver, not an API for other modules.</b>
 */
public final class QemuMicrovm implements Vmm {
    private final String qemuBinary;
    private final Accelerator accelerator;
    private final String acceleratorReason;

    QemuMicrovm(String qemuBinary, Accelerator accelerator, String acceleratorReason) {
        this.qemuBinary = qemuBinary;
        this.accelerator = accelerator;
        this.acceleratorReason = acceleratorReason;
    }

    /**
     * The driver for this host: checks that {@code config.qemuBinary()} runs and that the kernel
     * exists, then picks the accelerator (with {@code AUTO}, a probe of whether KVM boots
     * {@code kernel} here, cached after the first time, falling back to TCG). Every problem is a
     * one-line {@link VmException}.
     */
    public static QemuMicrovm open(RuntimeConfig config, Path kernel) {
        requireQemu(config.qemuBinary());
        if (!Files.isRegularFile(kernel)) {
            throw new VmException("kernel not found: " + kernel);
        }
        AcceleratorProbe.Verdict verdict = new AcceleratorProbe(
                        config.qemuBinary(), config.home().resolve("accelerator-probe.properties"))
                .choose(config.accelerator(), kernel);
        return new QemuMicrovm(config.qemuBinary(), verdict.accelerator(), verdict.reason());
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
        return QemuProcess.start(commandLine(launch, false), launch);
    }

    @Override
    public VmHandle startIncoming(Launch launch) throws IOException {
        return QemuProcess.start(commandLine(launch, true), launch);
    }

    private List<String> commandLine(Launch launch, boolean incoming) {
        return QemuCommandLine.build(
                qemuBinary,
                accelerator,
                launch.spec(),
                launch.instanceId(),
                launch.directory().resolve(QemuCommandLine.QMP_SOCKET),
                launch.hostPort(),
                launch.memory(),
                incoming);
    }
}
