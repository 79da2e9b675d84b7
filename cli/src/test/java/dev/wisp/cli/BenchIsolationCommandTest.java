package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code wisp bench isolation}: bad options refused in one line before any VM starts. */
class BenchIsolationCommandTest {
    private static CliRun wisp(String... args) {
        return CliRun.wisp(List.of(), args);
    }

    @Test
    void unknownPart_usageErrorBeforeAnyVmStarts() {
        CliRun r = wisp("bench", "isolation", "--only", "network");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip()).startsWith("wisp: ").contains("--only").doesNotContain("\n");
    }

    @Test
    void zeroRate_usageErrorBeforeAnyVmStarts() {
        CliRun r = wisp("bench", "isolation", "--rate", "0");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip()).startsWith("wisp: ").contains("rate").doesNotContain("\n");
    }
}
