package dev.wisp.cli;

import static dev.wisp.cli.CliRun.wisp;

import org.junit.jupiter.api.Test;

/** {@code wisp bench isolation}: bad options refused in one line before any VM starts. */
class BenchIsolationCommandTest {
    @Test
    void unknownPart_usageErrorBeforeAnyVmStarts() {
        wisp("bench", "isolation", "--only", "network").refusedInOneLine().contains("--only");
    }

    @Test
    void zeroRate_usageErrorBeforeAnyVmStarts() {
        wisp("bench", "isolation", "--rate", "0").refusedInOneLine().contains("rate");
    }
}
