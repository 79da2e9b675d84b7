package dev.wisp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.store.etcd.EtcdCluster;
import dev.wisp.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code wisp up --etcd} node of the cluster tests, in a JVM of its own: its API, router port
 * and admin token read from its banner, its data folder, and the VMs it started, so a test can stop it with them.
 */
record ClusterNode(
        Process process, Path data, String api, String address, int routerPort, String token, List<ProcessHandle> vms) {
    /** Short, so a lost node is noticed within a test's patience. */
    static final Duration LEASE_TTL = UpNode.LEASE_TTL;

    /** Starts {@code wisp up --etcd} as its own JVM on loopback and waits for its banner. */
    static ClusterNode start(Path dir, EtcdCluster etcd, String name) throws IOException {
        return start(dir, etcd, name, List.of(), "127.0.0.1");
    }

    /**
     * Starts {@code wisp up --etcd} as its own JVM inside network namespace {@code namespace},
     * advertising {@code address} (where its API and router listen), and waits for its banner.
     */
    static ClusterNode startIn(Path dir, EtcdCluster etcd, String name, String namespace, String address)
            throws IOException {
        // nsenter enters the network namespace only: ip netns exec would remount /sys, hiding the cgroups the jail
        // needs
        return start(dir, etcd, name, List.of("nsenter", "--net=/run/netns/" + namespace), address);
    }

    private static ClusterNode start(Path dir, EtcdCluster etcd, String name, List<String> wrapper, String address)
            throws IOException {
        // nsenter execs the JVM in its own place: the process is the node's JVM
        UpNode up = UpNode.start(dir, etcd.endpointList(), name, address, wrapper, List.of("--vmm-pool", "0"));
        return new ClusterNode(
                up.process(),
                dir.resolve(name),
                up.api().toString(),
                address,
                up.routerPort(),
                up.token(),
                new ArrayList<>());
    }

    /** kill -9 of the node's JVM and its VMs, as a host dying would; returns once the JVM is gone. */
    void kill() throws InterruptedException {
        process.descendants().forEach(vms::add);
        process.destroyForcibly();
        vms.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** Stops every node (SIGTERM, then SIGKILL after 60 s) and any VM it left. */
    static void stopAll(List<ClusterNode> nodes) throws InterruptedException {
        for (ClusterNode u : nodes) {
            u.process().descendants().forEach(u.vms()::add);
            u.process().destroy();
            if (!u.process().waitFor(60, TimeUnit.SECONDS)) {
                u.process().destroyForcibly();
            }
            u.vms().forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Starts a, waits for it to lead, then b, and waits until b lists both ready; both go into {@code ups}. */
    static List<ClusterNode> startTwo(Path dir, EtcdCluster etcd, List<ClusterNode> ups)
            throws IOException, InterruptedException {
        ClusterNode a = start(dir, etcd, "a");
        ups.add(a);
        Await.until(Duration.ofSeconds(30), "a leads", () -> a.states().contains("a ready leader"));
        ClusterNode b = start(dir, etcd, "b");
        ups.add(b);
        Await.until(
                Duration.ofSeconds(30), "a and b ready", () -> b.states().equals(List.of("a ready leader", "b ready")));
        return List.of(a, b);
    }

    /** Builds examples/hello into a local image and returns its id. */
    static String buildHello() {
        CliRun built = CliRun.wisp(
                        List.of(),
                        "image",
                        "build",
                        ExampleApps.examplesDir().resolve("hello").toString(),
                        "--entrypoint",
                        "httpd -f -p 8080 -h www")
                .ok();
        return built.out().trim();
    }

    /** Runs {@code wisp ARGS} against this node's API with its admin token and expects success. */
    CliRun wisp(String... args) {
        CliRun r = tryWisp(args).ok();
        return r;
    }

    /** Runs {@code wisp ARGS} against this node's API with its admin token, whatever comes of it. */
    CliRun tryWisp(String... args) {
        return CliRun.wisp(List.of("--api", api, "--token", token), args);
    }

    /** {@code wisp nodes --json} through this node's API; empty while it does not answer. */
    List<JsonNode> nodes() {
        CliRun r = tryWisp("nodes", "--json");
        List<JsonNode> out = new ArrayList<>();
        if (r.code() == 0) {
            r.json().forEach(out::add);
        }
        return out;
    }

    /** "NAME STATE[ leader]" per node, as this node lists them. */
    List<String> states() {
        return nodes().stream()
                .map(n -> n.path("name").asText() + " " + n.path("state").asText()
                        + (n.path("leader").asBoolean() ? " leader" : ""))
                .toList();
    }

    /** The live nodes that run an instance, as this node lists them (their records: up to a heartbeat behind). */
    List<String> running() {
        return nodes().stream()
                .filter(n -> !"lost".equals(n.path("state").asText()))
                .filter(n -> n.path("instances").path("running").asInt()
                                + n.path("instances").path("paused").asInt()
                        > 0)
                .map(n -> n.path("name").asText())
                .toList();
    }

    /** The body-less answer of the hello service through this node's router: "\nSTATUS", or the error. */
    String curlHello() {
        try {
            Process p = new ProcessBuilder(
                            "curl",
                            "-s",
                            "--max-time",
                            "20",
                            "-o",
                            "/dev/null",
                            "-w",
                            "\n%{http_code}",
                            "-H",
                            "Host: hello.localhost",
                            "http://" + address + ":" + routerPort + "/cgi-bin/whoami")
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }
}
