package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.image.Image;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's environment (secrets) reaches it through the console, never a command line, and
 * nothing the runtime writes (run directories, template memory, snapshots) is readable by others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class GuestEnvTest {
    private static final String SECRET = "s3cr3t-Ax9 with spaces 'single' \"double\" $HOME;";
    private static final Set<PosixFilePermission> OTHERS = Set.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    @TempDir
    static Path scratch;

    private Path runDir;

    @RegisterExtension
    final TestRuntime runtime = new TestRuntime(() -> {
        runDir = scratch.resolve("run");
        return TestGuests.config().withVmmPool(1).withRunDirectory(runDir);
    });

    @Test
    void env_reachesTheAppButNoCommandLineConsoleOrFileOthersCanRead() throws Exception {
        Image image = TestGuests.image(scratch, "env", "httpd -f -p 8080 -h www");
        Path cgi = scratch.resolve("env/www/cgi-bin/secret");
        Files.writeString(
                cgi, "#!/bin/sh\necho \"Content-Type: text/plain\"\necho\nprintf '%s|%s' \"$SECRET\" \"$OTHER\"\n");
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
        image = TestGuests.image(scratch, "env", "httpd -f -p 8080 -h www");
        VmSpec base = TestGuests.spec(image);
        VmSpec spec = new VmSpec(
                base.boot().withEnv(Map.of("SECRET", SECRET, "OTHER", "two")), 1, 256, base.guestPort(), null);

        // The template boots with the env (delivered on the console); its clone has it in memory.
        // Parents open to all, so only the runtime's own modes stand between nobody and the files.
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(scratch.resolve("templates"));
        Files.createDirectories(scratch.resolve("standby"));
        Path tplDir = scratch.resolve("templates/env");
        Template template = runtime.get().createTemplate("env", spec, tplDir);
        Instance clone = runtime.get().cloneFrom(template, "env-clone-1");
        try {
            assertThat(TestGuests.get(clone.hostPort(), "/cgi-bin/secret")).isEqualTo("200 " + SECRET + "|two");

            assertThat(cmdline(clone.vmmPid()))
                    .contains("wisp-env-clone-1")
                    .doesNotContain("s3cr3t")
                    .doesNotContain("SECRET");
            assertThat(ps()).contains("wisp-env-clone-1").doesNotContain("s3cr3t");
            assertThat(String.join("\n", clone.consoleTail()))
                    .doesNotContain("s3cr3t")
                    .doesNotContain("7333637233");

            // Everything the runtime created while VMs run: run dirs, sockets' dirs, pid files, a pooled VMM's.
            // A jailed VM's directory is its own group's (its VMM reads it), so the test is what another
            // user can actually read there, asked as that user.
            assertThat(readableByNobody(runDir)).isEmpty();
            Path memory = tplDir.resolve(Snapshot.MEMORY_FILE);
            assertThat(Files.readString(tplDir.resolve(Snapshot.META_FILE)))
                    .doesNotContain("s3cr3t")
                    .doesNotContain("SECRET");
            // Jailed clones (each its own uid) open the template's memory through the VMMs' group.
            assertThat(readableByNobody(tplDir)).isEmpty();
            assertThat(Files.getPosixFilePermissions(memory))
                    .doesNotContain(
                            PosixFilePermission.OTHERS_READ,
                            PosixFilePermission.OTHERS_WRITE,
                            PosixFilePermission.OTHERS_EXECUTE);
            assertThat(asNobody("cat", memory.toString())).isNotZero();
            assertThat(asNobody("cat", tplDir.resolve(Snapshot.STATE_FILE).toString()))
                    .isNotZero();

            // A standby snapshot of the clone (the pages it changed) is just as private.
            Path standby = scratch.resolve("standby/env-clone-1");
            clone.snapshot(standby);
            assertThat(readableByOthers(standby)).isEmpty();
            assertThat(Files.readString(standby.resolve(Snapshot.META_FILE))).doesNotContain("s3cr3t");
            assertThat(asNobody("cat", standby.resolve(Snapshot.STATE_FILE).toString()))
                    .isNotZero();
            clone.restore();
            assertThat(TestGuests.get(clone.hostPort(), "/cgi-bin/secret")).isEqualTo("200 " + SECRET + "|two");
        } finally {
            clone.stop();
        }
    }

    private static String cmdline(long pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ');
    }

    private static String ps() throws Exception {
        Process p = new ProcessBuilder("ps", "-eo", "args", "ww")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Exit code of a command run as nobody (uid/gid 65534, no groups). */
    private static int asNobody(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor();
    }

    /** Files under {@code root} that user nobody can open for reading, as nobody finds them. */
    private static List<String> readableByNobody(Path root) throws Exception {
        Process p = new ProcessBuilder(
                        "setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        "find",
                        root.toString(),
                        "-type",
                        "f",
                        "-readable")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> found = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
        p.waitFor();
        return found;
    }

    /** Files and directories under {@code root} (root included) that group or others may access. */
    private static List<String> readableByOthers(Path root) throws IOException {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (Files.isSymbolicLink(p)
                        || !(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                                || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (perms.stream().anyMatch(OTHERS::contains)) {
                    bad.add(p + " " + PosixFilePermissions.toString(perms));
                }
            }
        }
        return bad;
    }
}
