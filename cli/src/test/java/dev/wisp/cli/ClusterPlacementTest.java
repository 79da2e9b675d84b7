package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.store.etcd.EtcdCluster;
import dev.wisp.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API = Pattern.compile("API:\\s+(http://\\S+)");
    private static final Pattern ROUTER = Pattern.compile("router:\\s+http://localhost:(\\d+)");

    @TempDir
    Path dir;

    private record Up(Process process, String api, int routerPort, String token, List<ProcessHandle> vms) {}

    @Test
    void twoNodes_placeFetchForwardAndReplaceTheOnlyInstanceAfterKill9() throws Exception {
        Assumptions.assumeFalse("false".equals(System.getProperty("wisp.vmTests")), "real-VM tests disabled");
        List<Up> ups = new ArrayList<>();
        try (EtcdCluster etcd = EtcdCluster.start(dir.resolve("etcd"))) {
            Up a = up(etcd, "a");
            ups.add(a);
            Await.until(Duration.ofSeconds(30), "a leads", () -> states(a).contains("a ready leader"));
            Up b = up(etcd, "b");
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
            for (Up u : ups) {
                u.process().descendants().forEach(u.vms()::add);
                u.process().destroy();
                if (!u.process().waitFor(60, TimeUnit.SECONDS)) {
                    u.process().destroyForcibly();
                }
                u.vms().forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Starts {@code wisp up --etcd} as its own JVM and waits for its banner. */
    private Up up(EtcdCluster etcd, String name) throws IOException {
        Path data = dir.resolve(name);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "up",
                        "--etcd",
                        etcd.endpointList(),
                        "--node",
                        name,
                        "--advertise",
                        "127.0.0.1",
                        "--lease-ttl",
                        TTL.toSeconds() + "s",
                        "--data",
                        data.toString(),
                        "--api-port",
                        "0",
                        "--router-port",
                        "0",
                        "--vmm-pool",
                        "0",
                        "--stop-on-exit")
                .redirectError(log.toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String api = null;
        int router = -1;
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = API.matcher(line);
            if (m.find()) {
                api = m.group(1);
            }
            m = ROUTER.matcher(line);
            if (m.find()) {
                router = Integer.parseInt(m.group(1));
            }
            if (line.contains("cluster:")) {
                break;
            }
        }
        assertThat(api).as("node %s's banner; its log: %s", name, log).isNotNull();
        Thread.ofVirtual().start(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        });
        String token = Files.readString(data.resolve("admin-token")).trim();
        return new Up(p, api, router, token, new ArrayList<>());
    }

    private static List<JsonNode> nodes(Up via) {
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
    private static List<String> states(Up via) {
        return nodes(via).stream()
                .map(n -> n.path("name").asText() + " " + n.path("state").asText()
                        + (n.path("leader").asBoolean() ? " leader" : ""))
                .toList();
    }

    /** The live nodes that run an instance (their records: up to a heartbeat behind). */
    private static List<String> running(Up via) {
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
