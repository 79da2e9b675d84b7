package dev.wisp.cli;

import static dev.wisp.cli.CliRun.wisp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.testing.VmTests;
import org.junit.jupiter.api.Test;

/** {@code wisp bench inference} as a user runs it: bad options refused at once, a short real run as JSON. */
class BenchInferenceCommandTest {
    @Test
    void zeroRounds_usageErrorBeforeAnyVmStarts() {
        wisp("bench", "inference", "--rounds", "0").refusedInOneLine().contains("rounds");
    }

    @Test
    void shortRun_reportsOneAndTwoInstancesAsJson() throws Exception {
        VmTests.assume();
        CliRun r = wisp("bench", "inference", "--rounds", "1", "--seconds", "1", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.at("/one/instances").asInt()).isEqualTo(1);
        assertThat(result.at("/two/instances").asInt()).isEqualTo(2);
        assertThat(result.at("/one/requestsPerSecond").asDouble()).isPositive();
        assertThat(result.at("/two/requestsPerSecond").asDouble()).isPositive();
        assertThat(result.path("ratio").asDouble()).isPositive();
        assertThat(result.path("heldoutAccuracy").asDouble()).isGreaterThan(0.85);
    }
}
