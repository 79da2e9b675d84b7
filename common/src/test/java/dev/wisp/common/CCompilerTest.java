package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CCompilerTest {
    private static final List<String> REPRODUCIBLE = List.of("-static", "-Os", "-s", "-Wl,--build-id=none");

    @TempDir
    Path tmp;

    @Test
    void binary_isARunnableProgram_andTheSameBytesEveryTime() throws Exception {
        byte[] first = new CCompiler(CCompilerTest.class, "hello.c", REPRODUCIBLE).binary();
        byte[] again = new CCompiler(CCompilerTest.class, "hello.c", REPRODUCIBLE).binary();
        assertThat(again).isEqualTo(first);

        Path exe = Files.write(tmp.resolve("hello"), first);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
        assertThat(new ProcessBuilder(exe.toString()).start().waitFor()).isEqualTo(7);
    }

    @Test
    void programInParts_compilesEveryCFileWithItsHeaderBeside() throws Exception {
        byte[] binary = new CCompiler(
                        CCompilerTest.class, List.of("parts/main.c", "parts/exit.c", "parts/parts.h"), REPRODUCIBLE)
                .binary();

        Path exe = Files.write(tmp.resolve("parts"), binary);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
        assertThat(new ProcessBuilder(exe.toString()).start().waitFor()).isEqualTo(9);
    }

    @Test
    void binary_handsOutCopies() {
        CCompiler hello = new CCompiler(CCompilerTest.class, "hello.c", REPRODUCIBLE);
        byte[] mine = hello.binary();
        mine[0] = 0;
        assertThat(hello.binary()[0]).isEqualTo((byte) 0x7f); // still ELF
    }

    @Test
    void compileError_isOneLineFromGcc_notAMissingCompiler() {
        assertThatThrownBy(() -> new CCompiler(CCompilerTest.class, "broken.c", REPRODUCIBLE).binary())
                .isInstanceOfSatisfying(CCompiler.Failure.class, f -> {
                    assertThat(f.compilerMissing()).isFalse();
                    assertThat(f.getMessage()).doesNotContain("\n");
                });
    }

    @Test
    void missingSource_saysSo() {
        assertThatThrownBy(() -> new CCompiler(CCompilerTest.class, "guest/nothing.c", REPRODUCIBLE).binary())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("nothing.c missing from the jar");
    }

    @Test
    void noGccOnThePath_isReportedAsAMissingCompiler() throws IOException, InterruptedException {
        // A child JVM with an empty PATH: gcc cannot be found there.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(
                        java.toString(), "-cp", System.getProperty("java.class.path"), NoGcc.class.getName())
                .redirectErrorStream(true);
        pb.environment().put("PATH", tmp.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).startsWith("missing: cannot run gcc");
    }

    /** Run in a child JVM without gcc on its PATH. */
    static final class NoGcc {
        public static void main(String[] args) {
            try {
                new CCompiler(CCompilerTest.class, "hello.c", REPRODUCIBLE).binary();
                System.out.println("compiled?!");
            } catch (CCompiler.Failure f) {
                System.out.println((f.compilerMissing() ? "missing: " : "failed: ") + f.getMessage());
            }
        }
    }
}
