package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongBuildTest {
    @TempDir
    Path dir;

    @Test
    void failingBuild_namesTheFirstCompilerError_afterItsLastLines() throws Exception {
        List<String> progress = new ArrayList<>();
        assertThatThrownBy(() -> LongBuild.run(
                        "make thing",
                        dir,
                        Map.of(),
                        List.of(
                                "sh",
                                "-c",
                                "echo '  CC a.o'; echo 'a.c:3: error: no x' >&2; echo 'b.c:1: error: y'; exit 2"),
                        l -> l.startsWith("  CC "),
                        progress::add))
                .isInstanceOf(LongBuild.Failure.class)
                .hasMessage("make thing failed: a.c:3: error: no x");
        assertThat(progress).contains("make thing exited with 2; its last 3 lines:", "  | a.c:3: error: no x");
    }

    @Test
    void passingBuild_reportsItsCountedFiles() throws Exception {
        List<String> progress = new ArrayList<>();
        LongBuild.run(
                "ninja",
                dir,
                Map.of("WISP_X", "1"),
                List.of("sh", "-c", "echo \"[1/2] Compiling $WISP_X\"; echo '[2/2] Linking'"),
                l -> l.contains("Compiling"),
                progress::add);
        assertThat(progress).hasSize(1);
        assertThat(progress.get(0)).startsWith("ninja done in ").endsWith(", 1 files");
    }

    @Test
    void missingTools_areNamedByTheirPackages() {
        assertThat(LongBuild.missingPackages(
                        Map.of("sh", "dash", "wisp-no-such-tool", "wisp-pkg", "wisp-no-2", "wisp-pkg")))
                .containsExactly("wisp-pkg");
    }
}
