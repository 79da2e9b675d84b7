package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start command's choice of flags, run by this host's /bin/sh against a made-up /proc/meminfo. */
class SmallGuestJvmTest {
    @TempDir
    Path dir;

    @Test
    void guestOf64MiB_getsTheSmallGuestArgumentFile() throws Exception {
        assertThat(run("MemTotal:          51388 kB")).isEqualTo("-Xfoo @" + SmallGuestJvm.ARGS_FILE + " -cp x Main");
    }

    @Test
    void guestOf96MiB_keepsTheFlagsEveryGuestGets() throws Exception {
        assertThat(run("MemTotal:          84060 kB")).isEqualTo("-Xfoo -cp x Main");
    }

    @Test
    void unreadableMeminfo_keepsTheFlagsEveryGuestGets() throws Exception {
        assertThat(run(null)).isEqualTo("-Xfoo -cp x Main");
    }

    /** The command with {@code echo} for the JVM: prints the arguments it would get. */
    private String run(String memTotalLine) throws Exception {
        Path meminfo = dir.resolve("meminfo");
        if (memTotalLine != null) {
            Files.writeString(meminfo, memTotalLine + "\nMemFree: 1 kB\n");
        }
        String cmd = SmallGuestJvm.command("echo", List.of("-Xfoo"), "-cp x Main", meminfo.toString());
        Process p = new ProcessBuilder("/bin/sh", "-c", cmd)
                .redirectErrorStream(false)
                .start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .strip()
                .replaceAll(" +", " ");
    }
}
