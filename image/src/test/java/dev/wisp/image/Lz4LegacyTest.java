package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Lz4LegacyTest {
    @TempDir
    Path dir;

    @Test
    void legacyFrameInsideOtherBytes_decompressesToOriginal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lz4")), "lz4 not installed");
        // 9 MiB of text-like data spans two legacy blocks and has long matches and literals.
        byte[] original = new byte[9 << 20];
        Random r = new Random(1);
        for (int i = 0; i < original.length; i++) {
            original[i] = (byte) (i % 4096 < 3000 ? 'a' + (i / 7) % 26 : r.nextInt(256));
        }
        Path in = Files.write(dir.resolve("in"), original);
        Process p = new ProcessBuilder(
                        "lz4",
                        "-l",
                        "-q",
                        "-f",
                        in.toString(),
                        dir.resolve("in.lz4").toString())
                .start();
        assertThat(p.waitFor()).isZero();
        ByteArrayOutputStream wrapped = new ByteArrayOutputStream();
        wrapped.write(new byte[] {1, 2, 3, 4, 5});
        wrapped.write(Files.readAllBytes(dir.resolve("in.lz4")));
        wrapped.write(new byte[] {0, 0, (byte) 0x90, 1, 9, 9, 9});
        byte[] data = wrapped.toByteArray();

        int at = Lz4Legacy.find(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = Lz4Legacy.decompress(data, at, out);

        assertThat(at).isEqualTo(5);
        assertThat(n).isEqualTo(original.length);
        assertThat(out.toByteArray()).isEqualTo(original);
    }

    @Test
    void fileWithoutPayload_isReportedInOneLine() throws Exception {
        Path fake = Files.write(dir.resolve("vmlinuz"), new byte[4096]);

        assertThatThrownBy(() -> KernelProvisioner.extractVmlinux(fake, dir.resolve("vmlinux")))
                .isInstanceOf(ImageBuildException.class)
                .hasMessage("no LZ4 payload in " + fake);
    }
}
