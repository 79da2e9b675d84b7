package dev.wisp.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The wisp command as a user runs it: exit codes, one-line errors, and the demo end to end. */
class CliTest {
    @TempDir
    Path scratch;

    private record Run(int code, String out, String err) { }

    private static Run wisp(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void unknownFlag_usageErrorWithHint() {
        Run r = wisp("image", "build", "app", "--entrypoint", "true", "--frobnicate");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).startsWith("wisp: Unknown option: '--frobnicate'").contains("(see: wisp image build --help)");
    }

    @Test
    void imageFolderMissing_oneLineErrorExit2() {
        Run r = wisp("image", "build", scratch.resolve("nope").toString(), "--entrypoint", "true");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip()).startsWith("wisp: ").contains("nope").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void badAccelerator_namesTheChoices() {
        Run r = wisp("run", "0000", "--accel", "xen");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("no image 0000");
    }

    @Test
    void demo_bootsPausesSnapshotsAndClonesRealMicroVms() {
        Assumptions.assumeFalse("false".equals(System.getProperty("wisp.vmTests")));
        Run r = wisp("demo", "--clones", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("cold boot of microVM 'hello-1'")
                .containsPattern("whoami -> instance hello-1, up")
                .contains("restore from snapshot")
                .containsPattern("whoami -> instance hello-clone-1, up")
                .containsPattern("whoami -> instance hello-clone-2, up");
    }

    @Test
    void plan_reproducesTheSeedExampleFromTheSimulation() {
        Run r = wisp("plan", "--users", "1000000", "--active", "1000", "--per-server", "100", "--simulate");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("scale-to-zero\\s+10 servers")
                .containsPattern("peak serving instances\\s+1,000\\s+-> 10 servers")
                .containsPattern("always-on\\s+10,000 servers");
    }

    @Test
    void plan_negativeUsers_usageError() {
        Run r = wisp("plan", "--users", "-5", "--active", "1", "--per-server", "1");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).startsWith("wisp: ");
    }
}
