package dev.wisp.cli;

import dev.wisp.store.etcd.EtcdHealth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real etcd cluster of a few members on this host's loopback (Debian's etcd-server), for {@code
 * wisp bench cluster} and the one-machine cluster demo: free ports, data and logs under a folder.
 */
final class LocalEtcd implements AutoCloseable {
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(60);

    private final List<Process> members = new ArrayList<>();
    private final List<URI> endpoints = new ArrayList<>();
    private final Path dir;

    private LocalEtcd(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code size} members under {@code dir} and waits until every one is healthy. */
    static LocalEtcd start(Path dir, int size) throws IOException {
        if (size < 1 || size > 7) {
            throw new IllegalArgumentException("etcd members: 1 to 7, was " + size);
        }
        Files.createDirectories(dir);
        int[] client = new int[size];
        int[] peer = new int[size];
        for (int i = 0; i < size; i++) {
            client[i] = freePort();
            peer[i] = freePort();
        }
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < size; i++) {
            initial.append(i == 0 ? "" : ",")
                    .append("e")
                    .append(i)
                    .append("=http://127.0.0.1:")
                    .append(peer[i]);
        }
        LocalEtcd etcd = new LocalEtcd(dir);
        try {
            for (int i = 0; i < size; i++) {
                String url = "http://127.0.0.1:" + client[i];
                String peerUrl = "http://127.0.0.1:" + peer[i];
                List<String> cmd = List.of(
                        "etcd",
                        "--name",
                        "e" + i,
                        "--data-dir",
                        dir.resolve("e" + i).toString(),
                        "--listen-client-urls",
                        url,
                        "--advertise-client-urls",
                        url,
                        "--listen-peer-urls",
                        peerUrl,
                        "--initial-advertise-peer-urls",
                        peerUrl,
                        "--initial-cluster",
                        initial.toString(),
                        "--initial-cluster-state",
                        "new",
                        "--initial-cluster-token",
                        "wisp-local-" + ProcessHandle.current().pid(),
                        // a busy host delays heartbeats: a 1 s election timeout avoids needless elections
                        "--heartbeat-interval",
                        "100",
                        "--election-timeout",
                        "1000");
                try {
                    etcd.members.add(new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("e" + i + ".log").toFile())
                            .start());
                } catch (IOException e) {
                    throw new Errors.HostException("cannot run etcd: install it (apt-get install etcd-server, or"
                            + " scripts/install-deps): " + e.getMessage());
                }
                etcd.endpoints.add(URI.create(url));
            }
            etcd.awaitHealthy();
        } catch (RuntimeException | IOException e) {
            etcd.close();
            throw e;
        }
        return etcd;
    }

    /** The client URLs, comma-separated as {@code wisp up --etcd} takes them. */
    String endpointList() {
        return endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    private void awaitHealthy() throws IOException {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        for (int i = 0; i < endpoints.size(); i++) {
            while (true) {
                if (!members.get(i).isAlive()) {
                    throw new IOException("etcd member e" + i + " exited; its log: " + dir.resolve("e" + i + ".log"));
                }
                try {
                    if (EtcdHealth.healthy(endpoints.get(i))) {
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for etcd", e);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException(
                            "etcd not healthy within " + HEALTHY_WITHIN.toSeconds() + " s; logs in " + dir);
                }
                sleep(100);
            }
        }
    }

    /** Stops every member (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() {
        members.forEach(Process::destroy);
        for (Process p : members) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
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

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
