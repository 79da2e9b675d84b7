package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeyOutputTest {
    @Test
    void report_givesStatusesErrorsRateAndLatencies() {
        HeyOutput h = HeyOutput.parse("""

                Summary:
                  Total:\t2.0125 secs
                  Requests/sec:\t993.7887

                Latency distribution:
                  10%% in 0.0010 secs
                  50%% in 0.0020 secs
                  99%% in 0.0450 secs

                Status code distribution:
                  [200]\t1990 responses
                  [503]\t8 responses

                Error distribution:
                  [2]\tGet "http://127.0.0.1:8080/": context deadline exceeded
                  [1]\tGet "http://127.0.0.1:8080/": EOF
                """.formatted());
        assertThat(h.statuses()).containsExactly(java.util.Map.entry(200, 1990), java.util.Map.entry(503, 8));
        assertThat(h.errors())
                .containsExactly(
                        "[2] Get \"http://127.0.0.1:8080/\": context deadline exceeded",
                        "[1] Get \"http://127.0.0.1:8080/\": EOF");
        assertThat(h.errorCount()).isEqualTo(3);
        assertThat(h.requestsPerSecond()).isEqualTo(993.7887);
        assertThat(h.p50Seconds()).isEqualTo(0.002);
        assertThat(h.p99Seconds()).isEqualTo(0.045);
    }

    @Test
    void emptyReport_hasNoStatusesAndNaNFigures() {
        HeyOutput h = HeyOutput.parse("");
        assertThat(h.statuses()).isEmpty();
        assertThat(h.errors()).isEmpty();
        assertThat(h.errorCount()).isZero();
        assertThat(h.requestsPerSecond()).isNaN();
        assertThat(h.p50Seconds()).isNaN();
    }
}
