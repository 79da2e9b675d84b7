package dev.wisp.cli;

import dev.wisp.common.FileTrees;
import dev.wisp.control.ControlConfig;
import dev.wisp.control.ControlPlane;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real control plane for the CLI tests, one per test class ({@code @RegisterExtension static}),
 * with its data and home under a folder of its own, and {@code wisp} run against it as admin.
 */
final class CliControlPlane implements BeforeAllCallback, AfterAllCallback {
    private final boolean vms;
    private Path dir;
    private ControlPlane cp;
    private List<String> admin;

    private CliControlPlane(boolean vms) {
        this.vms = vms;
    }

    /** Booting VMs: the provisioned guest kernel, the best accelerator there is. */
    static CliControlPlane withVms() {
        return new CliControlPlane(true);
    }

    /** Everything but booting VMs: the guest kernel is an empty file, TCG, no VMM pool. */
    static CliControlPlane withoutVms() {
        return new CliControlPlane(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("wisp-cli-test-");
        RuntimeConfig runtime = RuntimeConfig.defaults().withHome(dir.resolve("home"));
        Path kernel;
        if (vms) {
            kernel = VmTests.kernel().vmlinux();
            runtime = runtime.withAccelerator(AcceleratorChoice.AUTO);
        } else {
            kernel = Files.createFile(dir.resolve("empty-vmlinux"));
            runtime = runtime.withAccelerator(AcceleratorChoice.TCG).withVmmPool(0);
        }
        cp = ControlPlane.start(ControlConfig.of(dir.resolve("data"), kernel, runtime)
                .withPorts(0, 0)
                .withStopOnClose(true));
        admin = List.of(
                "--api", cp.apiUrl(), "--token-file", cp.adminTokenFile().toString());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (cp != null) {
                cp.close();
            }
        } finally {
            if (dir != null) {
                FileTrees.delete(dir);
            }
        }
    }

    /** A folder of this class's own, removed after its last test. */
    Path dir() {
        return dir;
    }

    ControlPlane controlPlane() {
        return cp;
    }

    /** {@code wisp ARGS --api URL --token-file ADMIN}. */
    CliRun wisp(String... args) {
        return CliRun.wisp(admin, args);
    }
}
