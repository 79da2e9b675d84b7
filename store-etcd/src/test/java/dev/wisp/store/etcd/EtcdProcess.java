package dev.wisp.store.etcd;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-member etcd for tests (other modules' tests use it through this module's test-jar): on loopback, on free ports, with its data in a directory the
 * test owns. Started healthy or not at all; {@link #close()} always stops it.
 *
 * <p>The binary is {@code etcd} on the PATH (Debian's etcd-server; see scripts/install-deps), or the
 * {@code wisp.etcd} system property.
 */
public final class EtcdProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final Path log;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private EtcdProcess(Path dir, int clientPort, int peerPort) {
        this.dataDir = dir.resolve("data");
        this.log = dir.resolve("etcd.log");
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** Starts etcd with its data under {@code dir} and waits until it reports healthy. */
    public static EtcdProcess start(Path dir) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before etcd binds it
            EtcdProcess etcd = new EtcdProcess(dir, freePort(), freePort());
            try {
                etcd.launch();
                return etcd;
            } catch (IllegalStateException e) {
                etcd.close();
                FileTrees.delete(etcd.dataDir); // it names the failed ports as the member's address
                last = e;
            }
        }
        throw last;
    }

    /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    /** SIGKILL, as a crash would; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(10));
    }

    /** Starts etcd again on the same data directory and ports. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("etcd is still running");
        }
        launch();
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(process, Duration.ofSeconds(10))) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(10));
        }
    }

    private void launch() {
        String peer = "http://127.0.0.1:" + peerPort;
        String client = endpoint().toString();
        List<String> cmd = List.of(
                System.getProperty("wisp.etcd", "etcd"),
                "--name",
                "wisp-test",
                "--data-dir",
                dataDir.toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "wisp-test=" + peer,
                // Short raft timings: a fast election on start, and etcd's minimum lease ttl becomes 1 s
                // (ceil(1.5 election ticks x heartbeat)), matching the contract's smallest ttl.
                "--heartbeat-interval",
                "100",
                "--election-timeout",
                "500");
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot run etcd (" + cmd.getFirst()
                            + "); install it with scripts/install-deps (Debian package etcd-server)",
                    e);
        }
        awaitHealthy();
    }

    private void awaitHealthy() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(endpoint().resolve("/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for etcd", e);
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("etcd not healthy within " + START_TIMEOUT + ":\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
