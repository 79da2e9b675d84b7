package dev.wisp.control;

import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelProvisioner;
import dev.wisp.image.WispHome;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Real kernel, real busybox httpd images, and the checks VM tests share. */
final class Guests {
    private Guests() {
    }

    static void assumeVmTests() {
        Assumptions.assumeFalse("false".equals(System.getProperty("wisp.vmTests")),
                "real-VM tests disabled with -Dwisp.vmTests=false");
    }

    static Kernel kernel() {
        return new KernelProvisioner(WispHome.resolve()).ensure();
    }

    static ControlConfig config(Path data) {
        RuntimeConfig rt = RuntimeConfig.defaults().withHome(WispHome.resolve()).withAccelerator(AcceleratorChoice.AUTO)
                .withVmmPool(1);
        return ControlConfig.of(data, kernel().vmlinux(), rt).withPorts(0, 0);
    }

    /**
     * An httpd image: {@code /} says {@code page}; {@code /cgi-bin/env} prints the GREETING
     * environment variable and the instance's hostname.
     */
    static Path image(Path scratch, String page) throws IOException {
        Path app = scratch.resolve("app-" + page);
        Files.createDirectories(app.resolve("www/cgi-bin"));
        Files.writeString(app.resolve("www/index.html"), page + "\n");
        Path env = app.resolve("www/cgi-bin/env");
        Files.writeString(env, "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"greeting=$GREETING host=$(hostname)\"\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rwxr-xr-x"));
        Image image = ImageBuilder.fromFolder(app).entrypoint("httpd -f -p 8080 -h www").port(8080)
                .build(kernel(), new ImageStore(scratch.resolve("build-home")));
        return image.dir();
    }

    static void await(Duration timeout, String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
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
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
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

    /**
     * Runs hey against the router for a service until {@link Load#stop()}. Its per-request timeout
     * is 120 s, not 20: on this shared 2-core host a warm-template boot under TCG starves the
     * serving VM for seconds; slow is not failed.
     */
    static Load hey(int routerPort, String host) throws IOException {
        Process p = new ProcessBuilder("hey", "-z", "300s", "-c", "4", "-t", "120", "-host", host,
                "http://127.0.0.1:" + routerPort + "/").redirectErrorStream(true).start();
        return new Load(p);
    }

    /** A running hey. */
    record Load(Process process) {
        /** Interrupts hey (it prints its report on SIGINT) and returns the report. */
        String stop() throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return out;
        }
    }
}
