package dev.wisp.cli;

import dev.wisp.control.ControlConfig;
import dev.wisp.control.ControlPlane;
import dev.wisp.image.KernelProvisioner;
import dev.wisp.image.WispHome;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.util.List;

/** A real control plane for the CLI tests (data and home under one folder), and {@code wisp} run against it as admin. */
final class CliControlPlane implements AutoCloseable {
    private final ControlPlane cp;
    private final List<String> admin;

    private CliControlPlane(ControlPlane cp) {
        this.cp = cp;
        this.admin = List.of(
                "--api", cp.apiUrl(), "--token-file", cp.adminTokenFile().toString());
    }

    /** Booting VMs: the provisioned guest kernel, the best accelerator there is. */
    static CliControlPlane withVms(Path dir) {
        Path kernel = new KernelProvisioner(WispHome.resolve()).ensure().vmlinux();
        return start(
                dir,
                kernel,
                RuntimeConfig.defaults().withHome(dir.resolve("home")).withAccelerator(AcceleratorChoice.AUTO));
    }

    static CliControlPlane start(Path dir, Path kernel, RuntimeConfig runtime) {
        return new CliControlPlane(ControlPlane.start(ControlConfig.of(dir.resolve("data"), kernel, runtime)
                .withPorts(0, 0)
                .withStopOnClose(true)));
    }

    ControlPlane controlPlane() {
        return cp;
    }

    /** {@code wisp ARGS --api URL --token-file ADMIN}. */
    CliRun wisp(String... args) {
        return CliRun.wisp(admin, args);
    }

    @Override
    public void close() {
        cp.close();
    }
}
