package dev.wisp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's {@code docker-registry} (the distribution registry) on 127.0.0.1, plain HTTP and
 * anonymous, storing in a folder of the benchmark's; stopped on close.
 */
final class LocalRegistry implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LocalRegistry start(Path dir) throws IOException {
        Files.createDirectories(dir);
        int port = RawBaseline.freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(
                config,
                "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
                        + dir.resolve("storage") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        Process p;
        try {
            p = new ProcessBuilder("docker-registry", "serve", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IOException(
                    "docker-registry cannot be started (scripts/install-deps --for-tests installs it): "
                            + e.getMessage(),
                    e);
        }
        LocalRegistry r = new LocalRegistry(p, port);
        try {
            r.awaitUp(dir);
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** {@code 127.0.0.1:PORT}: the host part of references to it. */
    String host() {
        return "127.0.0.1:" + port;
    }

    private void awaitUp(Path dir) throws IOException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://" + host() + "/v2/");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                HttpRequest req = HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(5))
                        .build();
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for docker-registry", e);
            }
            RawBaseline.sleep(200);
        }
        throw new IOException(
                "docker-registry did not answer on " + uri + " within " + START_TIMEOUT.toSeconds() + " s");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
