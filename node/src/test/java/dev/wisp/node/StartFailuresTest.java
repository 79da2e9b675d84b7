package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The crash-loop back-off's arithmetic and its reset, without VMs. */
class StartFailuresTest {
    @ParameterizedTest(name = "failure {0} waits {1} s")
    @CsvSource({"1, 1", "2, 2", "4, 8", "9, 256", "10, 300", "1000, 300"})
    void backoff_doublesFromOneSecondUpToFiveMinutes(int failures, long seconds) {
        assertThat(StartFailures.backoff(failures)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void failedStart_holdsTheNextUntilItsBackoffEnds_successClearsIt() {
        StartFailures f = new StartFailures();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(f.mayStart(t0)).isTrue();
        f.failed(new IllegalStateException("boom"), t0);
        ServiceStatus.StartFailure second = f.failed(new IllegalStateException("boom again"), t0.plusSeconds(1));
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(second.reason()).isEqualTo("boom again");
        assertThat(second.everReady()).isFalse();
        assertThat(f.mayStart(t0.plusMillis(2_999))).isFalse();
        assertThat(f.mayStart(t0.plusSeconds(3))).isTrue();
        f.succeeded();
        assertThat(f.failure()).isNull();
        assertThat(f.mayStart(t0.plusSeconds(3))).isTrue();
        ServiceStatus.StartFailure later = f.failed(new IllegalStateException("crash"), t0.plusSeconds(10));
        assertThat(later.attempts()).isEqualTo(1);
        assertThat(later.everReady()).isTrue();
    }
}
