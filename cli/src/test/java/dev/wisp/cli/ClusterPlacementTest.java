package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.store.etcd.EtcdCluster;
import dev.wisp.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placement and the cross-node data path with two {@code wisp up --etcd} processes on a real
 * three-member etcd (loopback, distinct ports: no network namespaces yet). The image is pushed to
 * b only; placement puts the service's one instance on a (equal nodes: by name), which fetches
 * the image from b by its id. The service answers through both routers (b forwards to a in one
 * hop). kill -9 of a (the leader, holding the only instance) makes b lead, place the service on
 * itself and answer again; the time from the kill to that first 200 is printed.
 */
class ClusterPlacementTest {
    private static final Duration TTL = ClusterNode.LEASE_TTL;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void twoNodes_placeFetchForwardAndReplaceTheOnlyInstanceAfterKill9() throws Exception {
        Assumptions.assumeFalse("false".equals(System.getProperty("wisp.vmTests")), "real-VM tests disabled");
        List<ClusterNode> ups = new ArrayList<>();
        try (EtcdCluster etcd = EtcdCluster.start(dir.resolve("etcd"))) {
            ClusterNode a = ClusterNode.start(dir, etcd, "a");
            ups.add(a);
            Await.until(Duration.ofSeconds(30), "a leads", () -> states(a).contains("a ready leader"));
            ClusterNode b = ClusterNode.start(dir, etcd, "b");
            ups.add(b);
            Await.until(
                    Duration.ofSeconds(30),
                    "a and b ready",
                    () -> states(b).equals(List.of("a ready leader", "b ready")));

            CliRun built = CliRun.wisp(
                    List.of(),
                    "image",
                    "build",
                    ExampleApps.examplesDir().resolve("hello").toString(),
                    "--entrypoint",
                    "httpd -f -p 8080 -h www");
            assertThat(built.code()).as(built.toString()).isZero();
            String image = built.out().trim();
            CliRun push = CliRun.wisp(List.of("--api", b.api(), "--token", b.token()), "image", "push", image);
            assertThat(push.code()).as(push.toString()).isZero();
            CliRun deploy = CliRun.wisp(
                    List.of("--api", b.api(), "--token", b.token()),
                    "deploy",
                    "hello",
                    "--image",
                    image,
                    "--memory",
                    "128");
            assertThat(deploy.code()).as(deploy.toString()).isZero();
            assertThat(deploy.out()).startsWith("hello: revision 1 serving");
            assertThat(running(b)).as("the one instance is on a").containsExactly("a");
            assertThat(dir.resolve("a").resolve("images").resolve(image))
                    .as("a fetched the image from b by its id")
                    .isDirectory();
            assertThat(curl(a.routerPort())).as("through a's router (local)").endsWith("\n200");
            assertThat(curl(b.routerPort()))
                    .as("through b's router (forwarded to a)")
                    .endsWith("\n200");

            a.process().descendants().forEach(a.vms()::add);
            long killed = System.nanoTime();
            a.process().destroyForcibly();
            a.vms().forEach(ProcessHandle::destroyForcibly);
            assertThat(a.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            Await.until(
                    Duration.ofSeconds(180),
                    Duration.ofMillis(200),
                    "hello answering through b's router again",
                    () -> curl(b.routerPort()).endsWith("\n200"));
            Duration back = Duration.ofNanos(System.nanoTime() - killed);
            System.out.println("kill -9 of the node with the only instance to the first 200 from b (under load): "
                    + back.toMillis() + " ms");
            assertThat(running(b)).as("placed again on b").containsExactly("b");
        } finally {
            ClusterNode.stopAll(ups);
        }
    }

    private static List<JsonNode> nodes(ClusterNode via) {
        CliRun r = CliRun.wisp(List.of("--api", via.api(), "--token", via.token()), "nodes", "--json");
        List<JsonNode> out = new ArrayList<>();
        if (r.code() != 0) {
            return out;
        }
        try {
            JSON.readTree(r.out()).forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** "NAME STATE[ leader]" per node. */
    private static List<String> states(ClusterNode via) {
        return nodes(via).stream()
                .map(n -> n.path("name").asText() + " " + n.path("state").asText()
                        + (n.path("leader").asBoolean() ? " leader" : ""))
                .toList();
    }

    /** The live nodes that run an instance (their records: up to a heartbeat behind). */
    private static List<String> running(ClusterNode via) {
        return nodes(via).stream()
                .filter(n -> !"lost".equals(n.path("state").asText()))
                .filter(n -> n.path("instances").path("running").asInt()
                                + n.path("instances").path("paused").asInt()
                        > 0)
                .map(n -> n.path("name").asText())
                .toList();
    }

    private static String curl(int routerPort) {
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
                            "http://127.0.0.1:" + routerPort + "/cgi-bin/whoami")
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
