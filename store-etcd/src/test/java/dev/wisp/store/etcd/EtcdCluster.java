package dev.wisp.store.etcd;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real three-member etcd cluster for tests, on loopback and free ports, data under a directory
 * the test owns. Started with every member healthy (a leader elected) or not at all; {@link
 * #close()} stops every member.
 */
public final class EtcdCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int MEMBERS = 3;

    private final Path dir;
    private final int[] clientPorts = new int[MEMBERS];
    private final int[] peerPorts = new int[MEMBERS];
    private final List<Process> processes = new ArrayList<>();

    private EtcdCluster(Path dir) {
        this.dir = dir;
        for (int i = 0; i < MEMBERS; i++) {
            clientPorts[i] = freePort();
            peerPorts[i] = freePort();
        }
    }

    /** Starts three members under {@code dir} and waits until each reports healthy. */
    public static EtcdCluster start(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        EtcdCluster c = new EtcdCluster(dir);
        try {
            for (int i = 0; i < MEMBERS; i++) {
                c.processes.add(c.launch(i));
            }
            for (int i = 0; i < MEMBERS; i++) {
                c.awaitHealthy(i);
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Every member's client URL. */
    public List<URI> endpoints() {
        List<URI> out = new ArrayList<>();
        for (int p : clientPorts) {
            out.add(URI.create("http://127.0.0.1:" + p));
        }
        return out;
    }

    /** The endpoints as {@code wisp up --etcd} takes them: comma-separated. */
    public String endpointList() {
        return endpoints().stream().map(URI::toString).collect(Collectors.joining(","));
    }

    private Process launch(int i) {
        String initial = java.util.stream.IntStream.range(0, MEMBERS)
                .mapToObj(m -> "m" + m + "=http://127.0.0.1:" + peerPorts[m])
                .collect(Collectors.joining(","));
        String client = "http://127.0.0.1:" + clientPorts[i];
        String peer = "http://127.0.0.1:" + peerPorts[i];
        List<String> cmd = List.of(
                System.getProperty("wisp.etcd", "etcd"),
                "--name",
                "m" + i,
                "--data-dir",
                dir.resolve("m" + i).toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                initial,
                "--initial-cluster-state",
                "new",
                "--initial-cluster-token",
                "wisp-test-" + ProcessHandle.current().pid(),
                // A busy 2-core host delays heartbeats: 1 s election timeout avoids needless re-elections,
                // and keeps etcd's minimum lease ttl at 2 s.
                "--heartbeat-interval",
                "100",
                "--election-timeout",
                "1000");
        try {
            return new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot run etcd; install it with scripts/install-deps (Debian package etcd-server)", e);
        }
    }

    private Path log(int i) {
        return dir.resolve("m" + i + ".log");
    }

    private void awaitHealthy(int i) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(endpoints().get(i).resolve("/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!processes.get(i).isAlive()) {
                throw new IllegalStateException("etcd member m" + i + " exited:\n" + tail(i));
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for etcd", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for etcd", e);
            }
        }
        throw new IllegalStateException("etcd member m" + i + " not healthy within " + START_TIMEOUT + ":\n" + tail(i));
    }

    private String tail(int i) {
        try {
            List<String> lines = Files.readAllLines(log(i));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
