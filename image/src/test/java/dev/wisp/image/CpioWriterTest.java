package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioWriterTest {
    @TempDir
    Path dir;

    private byte[] sample() throws IOException {
        Files.writeString(dir.resolve("host.txt"), "from host\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioWriter cpio = new CpioWriter(out);
        cpio.directory("bin", 0755);
        cpio.file("bin/run", 0755, "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
        cpio.file("data.txt", 0640, dir.resolve("host.txt"));
        cpio.symlink("link", "bin/run");
        cpio.special("tick", CpioWriter.S_IFIFO, 0600, 0, 0);
        cpio.finish();
        return out.toByteArray();
    }

    private static String cpio(Path archive, Path cwd, String... args) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/cpio")), "cpio not installed");
        List<String> cmd = new java.util.ArrayList<>(List.of("cpio"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(cwd.toFile())
                .redirectInput(archive.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void archive_listsEveryEntryInOrder() throws Exception {
        Path archive = Files.write(dir.resolve("a.cpio"), sample());

        assertThat(cpio(archive, dir, "-it", "--quiet").lines().toList())
                .containsExactly("bin", "bin/run", "data.txt", "link", "tick");
    }

    @Test
    void archive_keepsModesOwnersAndSymlinkTargets() throws Exception {
        Path archive = Files.write(dir.resolve("a.cpio"), sample());

        List<String> lines = cpio(archive, dir, "-itv", "--quiet").lines().toList();

        assertThat(lines.get(0)).startsWith("drwxr-xr-x").contains(" root ");
        assertThat(lines.get(1)).startsWith("-rwxr-xr-x");
        assertThat(lines.get(2)).startsWith("-rw-r-----").contains(" 10 ");
        assertThat(lines.get(3)).startsWith("lrwxrwxrwx").endsWith("link -> bin/run");
        assertThat(lines.get(4)).startsWith("prw-------");
        assertThat(lines).allSatisfy(l -> assertThat(l).contains("1970"));
    }

    @Test
    void archive_extractsToTheWrittenContent() throws Exception {
        Path archive = Files.write(dir.resolve("a.cpio"), sample());
        Path out = Files.createDirectory(dir.resolve("out"));

        cpio(archive, out, "-id", "--quiet");

        assertThat(out.resolve("bin/run")).hasContent("#!/bin/sh\necho hi");
        assertThat(Files.isExecutable(out.resolve("bin/run"))).isTrue();
        assertThat(out.resolve("data.txt")).hasContent("from host");
        assertThat(Files.readSymbolicLink(out.resolve("link"))).isEqualTo(Path.of("bin/run"));
    }

    @Test
    void sameEntries_giveSameBytes() throws Exception {
        assertThat(sample()).isEqualTo(sample());
    }

    @Test
    void everyEntry_isAlignedToFourBytes() throws Exception {
        byte[] bytes = sample();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (int at = text.indexOf("070701"); at >= 0; at = text.indexOf("070701", at + 1)) {
            assertThat(at % 4).isZero();
        }
        assertThat(text).contains("TRAILER!!!");
    }
}
