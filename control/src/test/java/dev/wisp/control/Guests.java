package dev.wisp.control;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.common.WispHome;
import dev.wisp.functions.AddressPolicy;
import dev.wisp.image.ImageStore;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.testing.Await;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** The control plane VM tests' config, httpd image and checks. */
final class Guests {
    private Guests() {}

    static ControlConfig config(Path data) {
        return config(data, WispHome.resolve());
    }

    /** As {@link #config(Path)} with a Wisp home of the test's own (its registry logins, say). */
    static ControlConfig config(Path data, Path home) {
        RuntimeConfig rt = RuntimeConfig.defaults()
                .withHome(home)
                .withAccelerator(AcceleratorChoice.AUTO)
                .withVmmPool(1);
        return ControlConfig.of(data, VmTests.kernel().vmlinux(), rt).withPorts(0, 0);
    }

    /** {@code config} letting tenants reach loopback, where the test registries listen (operators must allow it). */
    static ControlConfig reachingLoopback(ControlConfig config) {
        return config.withCallbackPolicy(AddressPolicy.allowing(List.of("127.0.0.0/8")));
    }

    /** Skips the test unless Debian's Chromium is installed. */
    static void assumeChromium() {
        assumeTrue(HeadlessChromium.available(), "no " + HeadlessChromium.BINARY + " (apt-get install chromium)");
    }

    /**
     * The dashboard tests' control plane, its API on {@code browser}'s side of the host: the
     * default VMM pool, every instance stopped at close.
     */
    static ControlPlane startForBrowser(Path data, HeadlessChromium browser) {
        RuntimeConfig runtime =
                RuntimeConfig.defaults().withHome(WispHome.resolve()).withAccelerator(AcceleratorChoice.AUTO);
        return ControlPlane.start(ControlConfig.of(data, VmTests.kernel().vmlinux(), runtime)
                .withPorts(0, 0)
                .withApiHost(browser.hostAddress())
                .withStopOnClose(true));
    }

    /** The admin token the control plane wrote at its first start. */
    static String adminToken(ControlPlane cp) {
        try {
            return Files.readString(cp.adminTokenFile()).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A control plane config whose guest kernel is an empty file under {@code scratch}: everything
     * works but booting VMs (no VMM pool, so none is started).
     */
    static ControlConfig noVmConfig(Path scratch, Path data) throws IOException {
        Path kernel = scratch.resolve("empty-vmlinux");
        if (!Files.exists(kernel)) {
            Files.createFile(kernel);
        }
        RuntimeConfig rt = RuntimeConfig.defaults()
                .withHome(scratch.resolve("home"))
                .withAccelerator(AcceleratorChoice.TCG)
                .withVmmPool(0);
        return ControlConfig.of(data, kernel, rt).withPorts(0, 0).withStopOnClose(true);
    }

    /**
     * An httpd image: {@code /} says {@code page}; {@code /cgi-bin/env} prints the GREETING
     * environment variable and the instance's hostname.
     */
    static Path image(Path scratch, String page) {
        return HttpdApp.in(scratch.resolve("app-" + page))
                .page(page + "\n")
                .cgi("env", HttpdApp.CGI_TEXT + "echo \"greeting=$GREETING host=$(hostname)\"\n")
                .build(new ImageStore(scratch.resolve("build-home")))
                .dir();
    }

    static void await(Duration timeout, String what, BooleanSupplier done) throws InterruptedException {
        Await.until(timeout, Duration.ofMillis(200), what, done);
    }

    /**
     * Waits until {@code service} serves {@code revision}; a timeout's message lists the service's
     * revisions (their states and failures say why).
     */
    static void awaitServing(Http http, String token, String service, int revision, Duration timeout)
            throws InterruptedException {
        try {
            await(
                    timeout,
                    service + " revision " + revision + " serving",
                    () -> http.get("/v1/services/" + service, token)
                                    .json()
                                    .path("revision")
                                    .asInt()
                            == revision);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; revisions: "
                    + http.get("/v1/services/" + service + "/revisions", token).body());
        }
    }

    /** QEMU processes whose run directory belongs to JVM {@code pid} (found through /proc). */
    static List<Long> qemuOf(long pid) throws IOException {
        List<Long> found = new ArrayList<>();
        String marker = "/" + pid + "/";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmd.contains("qemu-system") && cmd.contains("/tmp/wisp-") && cmd.contains(marker)) {
                        found.add(Long.parseLong(name));
                    }
                } catch (IOException ignored) {
                    // the process ended while we looked
                }
            }
        }
        return found;
    }
}
