package dev.wisp.image;

import java.nio.file.Path;

/** Fixtures shared by the tests: one Wisp home under target/ so the kernel is fetched once. */
final class TestHome {
    private static Kernel kernel;

    private TestHome() {}

    static Path home() {
        return Path.of("target", "wisp-home").toAbsolutePath();
    }

    static synchronized Kernel kernel() {
        if (kernel == null) {
            kernel = new KernelProvisioner(home()).ensure();
        }
        return kernel;
    }

    /** VM tests run unless -Dwisp.vmTests=false. */
    static boolean vmTests() {
        return !"false".equals(System.getProperty("wisp.vmTests"));
    }
}
