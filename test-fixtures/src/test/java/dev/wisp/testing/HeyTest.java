package dev.wisp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeyTest {
    @Test
    void parse_readsStatusesErrorsAndRate() {
        String out = """

                Summary:
                  Total:\t2.0125 secs
                  Requests/sec:\t993.7887

                Status code distribution:
                  [200]\t1990 responses
                  [503]\t8 responses

                Error distribution:
                  [2]\tGet "http://127.0.0.1:8080/": context deadline exceeded
                """;
        Hey.Report r = Hey.parse(out);
        assertThat(r.count(200)).isEqualTo(1990);
        assertThat(r.count(503)).isEqualTo(8);
        assertThat(r.count(500)).isZero();
        assertThat(r.requestsPerSecond()).isEqualTo(993.7887);
        assertThat(r.errors()).containsExactly("[2] Get \"http://127.0.0.1:8080/\": context deadline exceeded");
        assertThat(r.raw()).isEqualTo(out);
    }

    @Test
    void run_againstNothingListening_reportsErrorsNotSuccesses() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Hey.Report r = Hey.run(port, "nobody.localhost", "/", "-n", "4", "-c", "2");
        assertThat(r.statuses()).as(r.raw()).isEmpty();
        assertThat(r.errors()).as(r.raw()).isNotEmpty();
    }
}
