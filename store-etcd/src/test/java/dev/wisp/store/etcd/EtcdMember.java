package dev.wisp.store.etcd;

import dev.wisp.common.BoundedWait;
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

/**
 * One etcd member process on loopback, for the tests' single etcd ({@link EtcdProcess}) and
 * three-member cluster ({@link EtcdCluster}): its command line, its log and its health check.
 *
 * <p>The binary is {@code etcd} on the PATH (Debian's etcd-server; see scripts/install-deps), or the
 * {@code wisp.etcd} system property.
 */
final class EtcdMember {
    /**
     * What a member is: its name, files and ports.
     *
     * @param clientHost the address clients reach it at (peers talk on loopback)
     * @param clusterFlags the flags that place it in its cluster ({@code --initial-cluster} and on)
     *     and its raft timings
     */
    record Spec(
            String name,
            Path dataDir,
            Path log,
            String clientHost,
            int clientPort,
            int peerPort,
            List<String> clusterFlags) {
        Spec {
            clusterFlags = List.copyOf(clusterFlags);
        }
    }

    final Spec spec;
    private Process process;

    EtcdMember(Spec spec) {
        this.spec = spec;
    }

    /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
    URI endpoint() {
        return URI.create("http://" + spec.clientHost() + ":" + spec.clientPort());
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the process (appending to its log); does not wait for it to be healthy. */
    void launch() {
        String client = endpoint().toString();
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("wisp.etcd", "etcd"),
                "--name",
                spec.name(),
                "--data-dir",
                spec.dataDir().toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peerUrl(),
                "--initial-advertise-peer-urls",
                peerUrl()));
        cmd.addAll(spec.clusterFlags());
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot run etcd (" + cmd.getFirst()
                            + "); install it with scripts/install-deps (Debian package etcd-server)",
                    e);
        }
    }

    /** Waits until {@code /health} says true; an exited process or {@code timeout} is an error. */
    void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "etcd " + spec.name() + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (EtcdHealth.healthy(endpoint())) {
                    return;
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for etcd", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("etcd " + spec.name() + " not healthy within " + timeout + ":\n" + logTail());
    }

    /** Whether this member leads the raft now (its status, over etcd's JSON gateway). */
    boolean isLeader() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest status = HttpRequest.newBuilder(endpoint().resolve("/v3/maintenance/status"))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        try {
            String body =
                    http.send(status, HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher self =
                    java.util.regex.Pattern.compile("\"member_id\":\"(\\d+)\"").matcher(body);
            java.util.regex.Matcher leader =
                    java.util.regex.Pattern.compile("\"leader\":\"(\\d+)\"").matcher(body);
            return self.find() && leader.find() && self.group(1).equals(leader.group(1));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL, as a crash would; returns once the process is gone. */
    void kill() {
        process.destroyForcibly();
        BoundedWait.await(process::waitFor, Duration.ofSeconds(10));
    }

    /** SIGTERM, then SIGKILL after 10 s; nothing when it is not running. */
    void stop() {
        if (!isAlive()) {
            return;
        }
        process.destroy();
        if (!BoundedWait.await(process::waitFor, Duration.ofSeconds(10))) {
            process.destroyForcibly();
            BoundedWait.await(process::waitFor, Duration.ofSeconds(10));
        }
    }

    private String peerUrl() {
        return "http://127.0.0.1:" + spec.peerPort();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(spec.log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
