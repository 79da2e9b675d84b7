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
 * Two {@code wisp up --etcd} processes on a real three-member etcd: both join and are listed
 * ready, the first leads; a service deployed through the second node's API is run by the leader
 * and answers through its router; kill -9 of the leader makes the other lead and shows the dead one
 * lost, each within the lease ttl plus a second, and the new leader serves the service.
 */
class ClusterUpTest {
    private static final Duration TTL = ClusterNode.LEASE_TTL;
    private static final Duration NOTICED = TTL.plusSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void twoNodes_joinLeadServeAndFailOverWhenTheLeaderIsKilled() throws Exception {
        Assumptions.assumeFalse("false".equals(System.getProperty("wisp.vmTests")), "real-VM tests disabled");
        List<ClusterNode> ups = new ArrayList<>();
        try (EtcdCluster etcd = EtcdCluster.start(dir.resolve("etcd"))) {
            ClusterNode a = ClusterNode.start(dir, etcd, "a");
            ups.add(a);
            Await.until(Duration.ofSeconds(30), "a leads", () -> leader(a).equals("a"));
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
            // Images do not travel between nodes yet: each node that may run the service gets it.
            for (ClusterNode n : List.of(a, b)) {
                CliRun push = CliRun.wisp(List.of("--api", n.api(), "--token", n.token()), "image", "push", image);
                assertThat(push.code()).as(push.toString()).isZero();
            }
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
            assertThat(curl(a.routerPort())).as("through the leader's router").endsWith("\n200");

            a.process().descendants().forEach(a.vms()::add);
            long killed = System.nanoTime();
            a.process().destroyForcibly();
            assertThat(a.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            Await.until(NOTICED.plusSeconds(30), "b leads", () -> leader(b).equals("b"));
            Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
            Await.until(NOTICED.plusSeconds(30), "a lost", () -> states(b).contains("a lost"));
            Duration lost = Duration.ofNanos(System.nanoTime() - killed);
            assertThat(takeover).as("kill -9 of the leader to b leading").isLessThanOrEqualTo(NOTICED);
            assertThat(lost).as("kill -9 of a to a listed lost").isLessThanOrEqualTo(NOTICED);

            Await.until(
                    Duration.ofSeconds(180),
                    Duration.ofSeconds(1),
                    "hello answering through b's router",
                    () -> curl(b.routerPort()).endsWith("\n200"));
        } finally {
            ClusterNode.stopAll(ups);
        }
    }

    /** {@code wisp nodes --json} through the node's API, as "NAME STATE[ leader]" lines. */
    private static List<String> states(ClusterNode via) {
        CliRun r = CliRun.wisp(List.of("--api", via.api(), "--token", via.token()), "nodes", "--json");
        if (r.code() != 0) {
            return List.of(r.toString());
        }
        List<String> out = new ArrayList<>();
        try {
            for (JsonNode n : JSON.readTree(r.out())) {
                out.add(n.path("name").asText() + " " + n.path("state").asText()
                        + (n.path("leader").asBoolean() ? " leader" : ""));
            }
        } catch (IOException e) {
            return List.of(e.toString());
        }
        return out;
    }

    private static String leader(ClusterNode via) {
        return states(via).stream()
                .filter(s -> s.endsWith(" leader"))
                .map(s -> s.substring(0, s.indexOf(' ')))
                .findFirst()
                .orElse("");
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
