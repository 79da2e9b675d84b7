package dev.wisp.runtime;

import java.io.IOException;
import java.util.List;

/** The {@link Vmm} driver for QEMU's {@code microvm} machine. */
final class QemuMicrovm implements Vmm {
    private final String qemuBinary;
    private final Accelerator accelerator;

    QemuMicrovm(String qemuBinary, Accelerator accelerator) {
        this.qemuBinary = qemuBinary;
        this.accelerator = accelerator;
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
    public VmHandle boot(Launch launch) throws IOException {
        return QemuProcess.start(commandLine(launch, false), launch);
    }

    @Override
    public VmHandle startIncoming(Launch launch) throws IOException {
        return QemuProcess.start(commandLine(launch, true), launch);
    }

    private List<String> commandLine(Launch launch, boolean incoming) {
        return QemuCommandLine.build(qemuBinary, accelerator, launch.spec(), launch.instanceId(),
                launch.directory().resolve("qmp.sock"), launch.hostPort(), launch.memory(), incoming);
    }
}
