package dev.wisp.functions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the guest's function server ({@code fnhttpd.c}) with the host's gcc, static against
 * glibc, stripped and without a build id so the same compiler gives the same bytes (image ids
 * stay stable). Compiled once per process.
 */
final class FnHttpd {
    private static byte[] binary;

    private FnHttpd() {
    }

    static synchronized byte[] binary() {
        if (binary == null) {
            binary = compile();
        }
        return binary.clone();
    }

    private static byte[] compile() {
        Path work = null;
        try (InputStream in = FnHttpd.class.getResourceAsStream("fnhttpd.c")) {
            if (in == null) {
                throw new IllegalStateException("fnhttpd.c missing from the jar");
            }
            work = Files.createTempDirectory("wisp-fnhttpd-");
            Path source = work.resolve("fnhttpd.c");
            Files.write(source, in.readAllBytes());
            Path out = work.resolve("fnhttpd");
            HostTools.run("gcc (building the function server)", List.of("gcc", "-static", "-Os", "-s",
                    "-Wl,--build-id=none", "-o", out.toString(), source.toString()),
                    "gcc with static glibc is needed to build function images (apt-get install gcc libc6-dev)");
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            HostTools.deleteTree(work);
        }
    }
}
