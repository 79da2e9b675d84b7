package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.sdk.LogFilter;
import dev.wisp.sdk.LogLine;
import dev.wisp.sdk.ServicePatch;
import dev.wisp.sdk.Standby;
import dev.wisp.sdk.WispClient;
import dev.wisp.testing.Await;
import dev.wisp.testing.VmTests;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code wisp logs} with a real microVM: an app that prints to stdout and stderr (and a burst of
 * chatter first) shows both, timestamped and named by instance, without kernel lines; --kernel,
 * --since and --follow work; the chatter stays within the per-instance bound; the lines remain
 * after the service scaled to zero. One boot for the whole story (TCG is slow).
 */
@ExtendWith(VmTests.class)
class LogsCliVmTest {
    /** One chatter line: 100 characters, 264 bytes of retained heap by the log book's rule. */
    private static final String PAD = "x".repeat(88);

    private static final int CHATTER = 1500;

    /** The log book's per-instance bound (node's LogBook.Limits.DEFAULT). */
    private static final long PER_INSTANCE_BYTES = 256 * 1024;

    @RegisterExtension
    static final CliControlPlane plane = CliControlPlane.withVms();

    private static CliRun wisp(String... args) {
        return plane.wisp(args);
    }

    @Test
    void appOutput_isShownApartFromTheKernel_filtered_followed_boundedAndKeptAfterScaleToZero() throws Exception {
        // Always on to start with: a paused guest prints nothing, and this app must keep talking.
        Path dir = plane.dir().resolve("talker");
        Path app = dir.resolve("app");
        Files.createDirectories(app.resolve("www"));
        Files.writeString(app.resolve("www/index.html"), "hi\n");
        Files.writeString(app.resolve("run.sh"), """
                httpd -f -p 8080 -h www &
                i=0
                while [ $i -lt %d ]; do echo "chatty $i %s"; i=$((i+1)); done
                while true; do echo "tick $i"; echo "tock $i" >&2; i=$((i+1)); sleep 1; done
                """.formatted(CHATTER, PAD));
        Files.writeString(dir.resolve("wisp.toml"), """
                name = "talker"
                [build]
                dir = "app"
                entrypoint = "sh run.sh"
                [resources]
                memory = 128
                [standby]
                policy = "always-on"
                """);
        CliRun deploy = wisp("apply", "-f", dir.resolve("wisp.toml").toString()).ok();

        // The chatter drains through the serial console first; then a line a second on each stream.
        // Under TCG on a loaded host the serial console moves a few KB/s: a generous bound.
        try {
            Await.until(Duration.ofSeconds(360), "a tick and a tock in wisp logs", () -> {
                String out = wisp("logs", "talker").out();
                return out.contains(" stdout tick ") && out.contains(" stderr tock ");
            });
        } catch (AssertionError e) {
            String seen = wisp("logs", "talker", "--all", "--tail", "20").out();
            throw new AssertionError(
                    e.getMessage() + "; last lines:\n" + seen + "\nstatus:\n"
                            + wisp("status", "talker").out(),
                    e);
        }
        CliRun logs = wisp("logs", "talker").ok();
        // An instance, or the warm template VM its clones came from (what the app printed before the snapshot).
        String line = "(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:[\\d.]+Z (tpl-)?talker-r1-[0-9a-f]{6}(-\\d+)? ";
        assertThat(logs.out())
                .containsPattern(line + "stdout tick \\d+$")
                .containsPattern(line + "stderr tock \\d+$")
                .doesNotContain(" kernel ")
                .doesNotContain("@@wisp");
        assertThat(logs.out().lines()).allMatch(l -> l.matches(line.substring(4) + "(stdout|stderr) .*"));

        CliRun kernel = wisp("logs", "talker", "--kernel");
        assertThat(kernel.out())
                .containsPattern(line + "kernel @@wisp ready \\d+$")
                .doesNotContain(" tick ");
        assertThat(wisp("logs", "talker", "--all", "--tail", "10000").out())
                .contains(" kernel @@wisp ready")
                .contains(" stdout tick ");

        // The chatter (1500 lines, ~396 KB by the rule) stays within the instance's bound: the oldest went.
        WispClient sdk = WispClient.builder()
                .baseUrl(URI.create(plane.controlPlane().apiUrl()))
                .token(Files.readString(plane.controlPlane().adminTokenFile()).trim())
                .build();
        List<LogLine> all = sdk.logs("talker", new LogFilter(null, null, null, "all", 10_000));
        Map<String, Long> bytes = all.stream()
                .collect(Collectors.groupingBy(
                        LogLine::instance,
                        Collectors.summingLong(l -> 2L * l.text().length() + 64)));
        assertThat(bytes.values()).allMatch(b -> b <= PER_INSTANCE_BYTES);
        assertThat(all).extracting(LogLine::text).contains("chatty " + (CHATTER - 1) + " " + PAD);
        assertThat(all.stream().filter(l -> l.text().startsWith("chatty ")).count())
                .as("chatter lines kept")
                .isLessThan(CHATTER);

        // --since: after a tick's time, only later lines.
        LogLine out = all.stream()
                .filter(l -> l.text().startsWith("tick "))
                .findFirst()
                .orElseThrow();
        String after = Instant.parse(out.at()).plusNanos(1).toString();
        Await.until(
                Duration.ofSeconds(60),
                "a tick after " + out.text(),
                () -> wisp("logs", "talker", "--since", after).out().contains(" stdout tick "));
        assertThat(wisp("logs", "talker", "--since", after).out()).doesNotContain(" stdout " + out.text() + "\n");
        assertThat(wisp("logs", "talker", "--since", "1h").out()).contains(" stdout " + out.text() + "\n");
        CliRun badSince = wisp("logs", "talker", "--since", "yesterday");
        assertThat(badSince.code()).isNotZero();
        assertThat(badSince.err()).contains("since must be a duration like 10m");

        // --follow from now on: a line the app prints after it started arrives.
        Instant start = Instant.now();
        StringWriter followed = new StringWriter();
        Thread follower = Thread.ofPlatform().daemon().start(() -> {
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(followed, true));
            cl.setErr(new PrintWriter(new StringWriter(), true));
            cl.execute(
                    "logs",
                    "talker",
                    "--follow",
                    "--since",
                    start.toString(),
                    "--api",
                    plane.controlPlane().apiUrl(),
                    "--token-file",
                    plane.controlPlane().adminTokenFile().toString());
        });
        try {
            Await.until(
                    Duration.ofSeconds(60),
                    "a followed tick",
                    () -> followed.toString().contains(" stdout tick "));
            String tick = followed.toString()
                    .lines()
                    .filter(l -> l.contains(" stdout tick "))
                    .findFirst()
                    .orElseThrow();
            assertThat(Instant.parse(tick.substring(0, tick.indexOf(' ')))).isAfterOrEqualTo(start);
            assertThat(followed.toString()).doesNotContain(" stdout " + out.text() + "\n");
        } finally {
            follower.interrupt();
        }

        // Scale to zero (snapshot, then retire): the instance is gone, its lines are not.
        sdk.updateService("talker", new ServicePatch(null, new Standby("snapshot", "1s", "2s", "3s"), null));
        Await.until(
                Duration.ofSeconds(300),
                "talker scaled to zero",
                () -> sdk.instances("talker").isEmpty());
        assertThat(wisp("logs", "talker", "--tail", "10000").ok().out())
                .contains(" stdout tick ")
                .contains(" stderr tock ");

        assertThat(wisp("rm", "talker").code()).isZero();
    }
}
