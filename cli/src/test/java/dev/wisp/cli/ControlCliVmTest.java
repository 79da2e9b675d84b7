package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.node.AdminServer;
import dev.wisp.testing.Hey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI end to end with real microVMs: a folder deployed through a real control plane, reached
 * with curl through the router, redeployed, rolled back, watched with {@code wisp top}, removed.
 * One control plane serves the whole story, to keep TCG boots few.
 */
@CliVmTest
class ControlCliVmTest {
    @RegisterExtension
    static final CliControlPlane plane = CliControlPlane.withVms();

    AdminServer metrics;

    @BeforeAll
    void start() throws IOException {
        metrics = AdminServer.start(plane.controlPlane().node(), "127.0.0.1", 0);
    }

    @AfterAll
    void stop() {
        if (metrics != null) {
            metrics.close();
        }
    }

    private CliRun wisp(String... args) {
        return plane.wisp(args);
    }

    private String curl(String host, String path) throws IOException, InterruptedException {
        return plane.curl(host, path);
    }

    @Test
    void deployOfAnAppThatExits_failsWithTheReasonAndConsole_statusAndLogsShowThem() throws Exception {
        Path app = plane.dir().resolve("broken-app");
        java.nio.file.Files.createDirectories(app);
        java.nio.file.Files.writeString(app.resolve("README"), "exits at once\n");
        long t0 = System.nanoTime();
        CliRun deploy = wisp(
                "deploy",
                "broken",
                "--dir",
                app.toString(),
                "--entrypoint",
                "echo giving up now; exit 3",
                "--memory",
                "128");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertThat(deploy.code()).as(deploy.toString()).isEqualTo(Main.EXIT_FAILED);
        assertThat(deploy.err())
                .contains("wisp: revision 1 of broken cannot start: ")
                .contains("entrypoint exited with code 3 before it was ready")
                .contains("the platform retries with back-off")
                .contains("  | giving up now");
        // At the first failed start (one boot under TCG), not at the 300 s wait timeout: a generous bound.
        assertThat(seconds).as("seconds until wisp deploy gave up").isLessThan(150);

        CliRun status = wisp("status", "broken").ok();
        assertThat(status.out())
                .containsPattern("(?m)^failure\\s+revision 1 \\((warming|failed)\\): .*entrypoint exited with code 3")
                .contains("last console lines of revision 1:")
                .contains("  | giving up now");
        JsonNode json = wisp("status", "broken", "--json").json();
        assertThat(json.at("/revisions/0/failure/reason").asText()).contains("entrypoint exited with code 3");

        // Between retries (while it backs off) there is no instance: logs shows the failed start's console.
        CliRun logs = wisp("logs", "broken");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!logs.err().contains("cannot start") && System.nanoTime() < until) {
            Thread.sleep(250);
            logs = wisp("logs", "broken");
        }
        assertThat(logs.code()).as(logs.toString()).isZero();
        assertThat(logs.err()).contains("wisp: broken has no instances: revision 1 cannot start: ");
        assertThat(logs.out()).contains("giving up now");

        assertThat(wisp("rm", "broken").code()).isZero();
    }

    @Test
    void deployFolder_servesRedeploysRollsBackShowsInTopAndRemoves() throws Exception {
        Path hello = ExampleApps.examplesDir().resolve("hello");
        CliRun deploy = wisp(
                        "deploy",
                        "hello",
                        "--dir",
                        hello.toString(),
                        "--entrypoint",
                        "httpd -f -p 8080 -h www",
                        "--memory",
                        "128")
                .ok();
        assertThat(deploy.out()).startsWith("hello: revision 1 serving");
        assertThat(deploy.err())
                .contains("built image")
                .contains("pushed image")
                .contains("created service hello");

        assertThat(curl("hello.localhost", "/cgi-bin/whoami"))
                .contains("instance")
                .endsWith("\n200");

        JsonNode ls = wisp("ls", "--json").json();
        assertThat(ls).hasSize(1);
        assertThat(ls.get(0).get("revision").asInt()).isEqualTo(1);
        assertThat(ls.get(0).at("/status/ready").asBoolean()).isTrue();
        String imageId = ls.get(0).get("image").asText();

        CliRun status = wisp("status", "hello").ok();
        assertThat(status.out())
                .containsPattern("(?m)^revision\\s+1")
                .containsPattern("(?m)^1\\s+serving")
                .containsPattern("(?m)^hello-\\S+\\s+1\\s+(running|paused)");

        // httpd prints nothing itself: its VM's console (kernel, init) is there with --kernel.
        assertThat(wisp("logs", "hello", "--kernel").ok().out()).containsPattern(" kernel @@wisp (ready|restored) ");

        assertThat(wisp("scale", "hello", "--min", "1", "--max", "2").code()).isZero();
        assertThat(wisp("status", "hello", "--json")
                        .json()
                        .at("/service/scaling/min")
                        .asInt())
                .isEqualTo(1);

        assertThat(wisp("deploy", "hello", "--image", imageId, "--env", "GREETING=v2")
                        .ok()
                        .out())
                .startsWith("hello: revision 2 serving");
        assertThat(curl("hello.localhost", "/")).endsWith("\n200");

        assertThat(wisp("rollback", "hello").ok().out()).startsWith("hello: revision 1 serving");
        assertThat(wisp("ls", "--json").json().get(0).get("revision").asInt()).isEqualTo(1);

        // top over one interval while curl keeps the service busy: a live request rate and p99 per service
        AtomicBoolean load = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicReference<String> last = new AtomicReference<>("nothing yet");
        Thread traffic = Thread.ofPlatform().start(() -> {
            while (load.get()) {
                try {
                    String answer = curl("hello.localhost", "/");
                    last.set(answer);
                    if (answer.endsWith("\n200")) {
                        ok.incrementAndGet();
                    }
                } catch (Throwable e) {
                    last.set(e.toString());
                    return;
                }
            }
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ok.get() < 3 && System.nanoTime() < until && traffic.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(ok.get())
                .as("curl through the router before top: last answer %s", last.get())
                .isGreaterThanOrEqualTo(3);
        CliRun top;
        try {
            top = wisp(
                    "top",
                    "--once",
                    "--interval",
                    "2s",
                    "--metrics",
                    "http://127.0.0.1:" + metrics.port() + "/metrics");
        } finally {
            load.set(false);
            traffic.join();
        }
        assertThat(top.code()).as(top.toString()).isZero();
        assertThat(top.out())
                .doesNotContain("\u001b[")
                .containsPattern(
                        "(?m)^SERVICE\\s+REV\\s+READY\\s+RUNNING\\s+PAUSED\\s+SNAPSHOTTED\\s+RPS\\s+P99\\s+WAKES")
                .containsPattern("(?m)^hello\\s+1\\s+yes\\s+[1-9]\\d*\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d\\s+\\d+ms\\s+\\d+")
                .containsPattern("(?m)^hello-\\S+\\s+hello\\s+1\\s+running")
                .containsPattern("(?m)^node local");
        assertThat(ok.get()).isPositive();

        JsonNode events = wisp("events", "hello", "--json").json();
        assertThat(events.findValuesAsText("kind")).contains("service.created", "revision.serving", "instance.state");

        assertThat(wisp("rm", "hello").code()).isZero();
        assertThat(wisp("status", "hello").code()).isEqualTo(Main.EXIT_NOT_FOUND);
        assertThat(curl("hello.localhost", "/")).endsWith("\n404");
    }

    @Test
    void deployWithScalingKnobs_slowAnswerIs504CountedAgainstItsInstance_aBurstOf20ScalesOut() throws Exception {
        try {
            Path app = plane.dir().resolve("slow-app");
            Path cgi = app.resolve("www/cgi-bin");
            java.nio.file.Files.createDirectories(cgi);
            java.nio.file.Files.writeString(app.resolve("www/index.html"), "quick\n");
            java.nio.file.Files.writeString(
                    cgi.resolve("slow"), "#!/bin/sh\nsleep 10\nprintf 'Content-Type: text/plain\\r\\n\\r\\nlate\\n'\n");
            cgi.resolve("slow").toFile().setExecutable(true, false);
            CliRun deploy = wisp(
                            "deploy",
                            "slow",
                            "--dir",
                            app.toString(),
                            "--entrypoint",
                            "httpd -f -p 8080 -h www",
                            "--memory",
                            "128",
                            "--timeout",
                            "2s",
                            "--concurrency",
                            "4",
                            "--max",
                            "3",
                            "--standby",
                            "pause")
                    .ok();
            JsonNode service = wisp("status", "slow", "--json").json().path("service");
            assertThat(service.at("/scaling/timeout").asText()).isEqualTo("2s");
            assertThat(service.at("/scaling/concurrency").asInt()).isEqualTo(4);
            assertThat(service.at("/scaling/target").asDouble())
                    .as("the default target")
                    .isEqualTo(10.0);
            assertThat(service.at("/standby/policy").asText()).isEqualTo("pause");

            // An app that takes longer than the timeout: a 504 naming it, not a request hanging.
            String late = curl("slow.localhost", "/cgi-bin/slow");
            assertThat(late)
                    .contains("upstream_timeout")
                    .contains("within 2000 ms")
                    .endsWith("\n504");
            assertThat(scrape())
                    .containsPattern(
                            "wisp_router_upstream_timeouts_total\\{instance=\"slow-\\S+\",service=\"slow-\\S+\"} 1\\.0");

            // 20 at once against a hard limit of 4 per instance: the rest wait in the router, which asks for more.
            Hey.Report burst =
                    Hey.run(plane.controlPlane().routerPort(), "slow.localhost", "/", "-z", "8s", "-c", "20");
            assertThat(burst.count(200)).as(burst.raw()).isPositive();
            // Every request answered: served, or (2 s is short on a busy host) a 504; none hangs or is refused.
            assertThat(burst.statuses().keySet()).as(burst.raw()).isSubsetOf(200, 504);
            assertThat(burst.errors()).as(burst.raw()).isEmpty();
            // Standby "pause": the instances the burst made stay (paused) after it, so status still lists them.
            int most = wisp("status", "slow", "--json").json().path("instances").size();
            assertThat(most).as("instances of slow after a 20-wide burst").isGreaterThan(1);
            assertThat(wisp("scale", "slow", "--timeout", "60s").ok().out())
                    .contains("concurrency 4, timeout 60s, standby pause");
        } finally {
            wisp("rm", "slow"); // the other tests count the services
        }
    }

    private String scrape() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "curl", "-s", "--max-time", "20", "http://127.0.0.1:" + metrics.port() + "/metrics")
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
