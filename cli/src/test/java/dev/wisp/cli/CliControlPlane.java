package dev.wisp.cli;

import dev.wisp.common.FileTrees;
import dev.wisp.control.ControlConfig;
import dev.wisp.control.ControlPlane;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    public void afterAll(ExtensionContext context) throws Exception {
        Closeables.closeAll(cp, dir == null ? null : () -> FileTrees.delete(dir));
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

    /** {@code curl} through this plane's router with {@code Host: host}: the body, a newline, the status. */
    String curl(String host, String path) throws IOException, InterruptedException {
        return curl(controlPlane().routerPort(), host, path);
    }

    /**
     * {@code curl} to a router on {@code port} with {@code Host: host}: the body, a newline, the
     * status; {@code extra} options go first ({@code -i} adds the status line and headers).
     */
    static String curl(int port, String host, String path, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "--max-time", "30"));
        cmd.addAll(List.of(extra));
        cmd.addAll(
                List.of("-o", "-", "-w", "\n%{http_code}", "-H", "Host: " + host, "http://127.0.0.1:" + port + path));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl " + host + path + " did not finish in 40 s");
        }
        return out;
    }
}
