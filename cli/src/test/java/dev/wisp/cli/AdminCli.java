package dev.wisp.cli;

import dev.wisp.control.ControlConfig;
import dev.wisp.control.ControlPlane;
import dev.wisp.runtime.RuntimeConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.List;

/**
 * A real control plane for a CLI test class and {@code wisp} run against it as its admin, as a
 * JUnit 5 extension ({@code @RegisterExtension static final AdminCli CLI = new AdminCli();}): the
 * class starts it (in {@code @BeforeAll}); it is closed after the class's own {@code @AfterAll}.
 */
final class AdminCli implements AfterAllCallback {
    private ControlPlane cp;
    private List<String> admin;

    /** Starts a control plane with its data in {@code dir/data}, API and router on free ports. */
    ControlPlane start(Path dir, Path kernel, RuntimeConfig runtime) {
        cp = ControlPlane.start(ControlConfig.of(dir.resolve("data"), kernel, runtime).withPorts(0, 0).withStopOnClose(true));
        admin = List.of("--api", cp.apiUrl(), "--token-file", cp.adminTokenFile().toString());
        return cp;
    }

    ControlPlane cp() {
        return cp;
    }

    /** {@code wisp ARGS --api URL --token-file ADMIN-TOKEN}. */
    CliRun wisp(String... args) {
        return CliRun.wisp(admin, args);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cp != null) {
            cp.close();
        }
    }
}
