package dev.wisp.cli;

import static dev.wisp.cli.CliRun.wisp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.ChildJvm;
import dev.wisp.testing.VmTests;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wisp command as a user runs it: exit codes, one-line errors, and the demo end to end. */
class CliTest {
    @TempDir
    Path scratch;

    /**
     * {@code wisp ARGS} in a JVM of its own under umask 077, as the {@code wisp} launcher runs
     * {@code up} and {@code demo}: files the platform makes are then private unless it says
     * otherwise, which in-process runs would not show.
     */
    private CliRun launched(String... args) throws Exception {
        ProcessBuilder jvm = ChildJvm.of(Main.class, args);
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 077 && exec \"$0\" \"$@\""));
        command.addAll(jvm.command());
        Path out = scratch.resolve("launched.out");
        Path err = scratch.resolve("launched.err");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("wisp " + String.join(" ", args) + " still running after 10 minutes:\n"
                    + Files.readString(out) + Files.readString(err));
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void unknownFlag_usageErrorWithHint() {
        wisp("image", "build", "app", "--entrypoint", "true", "--frobnicate")
                .refused()
                .startsWith("wisp: Unknown option: '--frobnicate'")
                .contains("(see: wisp image build --help)");
    }

    @Test
    void imageFolderMissing_oneLineErrorExit2() {
        CliRun r = wisp("image", "build", scratch.resolve("nope").toString(), "--entrypoint", "true");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip())
                .startsWith("wisp: ")
                .contains("nope")
                .doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void badAccelerator_namesTheChoices() {
        wisp("run", "0000", "--accel", "xen").refused().contains("no image 0000");
    }

    @Test
    void upWithABadCallbackNetwork_failsBeforeStartingAnything_namingTheEntry() {
        CliRun r = wisp(
                "up", "--data", scratch.resolve("data").toString(), "--allow-callback-net", "10.20.0.0/16,10.0.0.0/33");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip())
                .isEqualTo("wisp: --allow-callback-net: prefix length must be 0-32 in '10.0.0.0/33'");
        assertThat(scratch.resolve("data")).doesNotExist();
    }

    @Test
    void demo_deploysScalesSleepsWakesAndRedeploysThroughThePlatform() throws Exception {
        VmTests.assume();
        CliRun r = launched("demo");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        String out = r.out();
        assertThat(out)
                .as(out)
                .containsPattern("API \\+ dashboard  http://127\\.0\\.0\\.1:\\d+/")
                .containsPattern("admin token      \\S+admin-token")
                .containsPattern(
                        "curl http://hello\\.localhost:\\d+/cgi-bin/whoami -> instance hello-r1-\\S+, up [0-9.]+ s, random [0-9a-f]{12}")
                .containsPattern("(?m)^   (\\d+) requests: \\1 x 200 \\(")
                .containsPattern("-> paused \\(pause")
                .containsPattern("-> snapshotted \\(snapshot")
                .containsPattern(
                        "wake from paused: curl -> 200  \\(node: paused -> running via resume_paused in \\d+ ms\\)")
                .containsPattern(
                        "wake from snapshot: curl -> 200  \\(node: snapshotted -> running via \\S+ in \\d+ ms\\)")
                .containsPattern("traffic moved from revision 1 to 2: \\d+ requests, [1-9]\\d* answered by revision 1, "
                        + "[1-9]\\d* by revision 2, 0 failed")
                .contains("no QEMU process left");
        Matcher scaled = Pattern.compile("scaled out to (\\d+) instances").matcher(out);
        assertThat(scaled.find()).as(out).isTrue();
        assertThat(Integer.parseInt(scaled.group(1)))
                .as("instances during the burst")
                .isGreaterThan(1);
    }

    @Test
    void demoOnBusyPort_namesThePortAndTheFlag() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun r = wisp("demo", "--router-port", String.valueOf(busy.getLocalPort()));
            assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err().strip())
                    .isEqualTo("wisp: port " + busy.getLocalPort()
                            + " is in use: pick another with --router-port (0 picks a free one)");
        }
    }

    @Test
    void plan_reproducesTheSeedExampleFromTheSimulation() {
        CliRun r = wisp("plan", "--users", "1000000", "--active", "1000", "--per-server", "100", "--simulate");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .containsPattern("scale-to-zero\\s+10 servers")
                .containsPattern("peak serving instances\\s+1,000\\s+-> 10 servers")
                .containsPattern("always-on\\s+10,000 servers");
    }

    @Test
    void plan_negativeUsers_usageError() {
        wisp("plan", "--users", "-5", "--active", "1", "--per-server", "1")
                .refused()
                .startsWith("wisp: ");
    }
}
