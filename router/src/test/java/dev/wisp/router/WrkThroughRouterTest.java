package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.router.bench.RouterBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WrkThroughRouterTest {
  private static final String WRK = "/usr/bin/wrk";

  @Test
  void shortWrkRunThroughTheRouter_hasNoSocketErrorsAndOnly2xx() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(WRK)), "wrk not installed");
    try (TestRouter router = new TestRouter(); TestBackend backend = new TestBackend("wrk-1")) {
      router.define("app", ServiceLimits.DEFAULTS);
      router.services.setEndpoints("app", List.of(backend.endpoint()));
      RouterBenchmark.WrkRun run = RouterBenchmark.runWrk(WRK,
          "http://127.0.0.1:" + router.port + "/", "app.localhost", 1, 16, 2);
      assertThat(run.requests()).isPositive();
      assertThat(run.socketErrors()).isZero();
      assertThat(run.non2xx3xx()).isZero();
      assertThat(backend.requests.get()).isGreaterThanOrEqualTo((int) run.requests());
      TestRouter.await(() -> router.inFlight("app") == 0, "in-flight back to 0");
    }
  }

  @Test
  void wrkOutput_isParsedIntoRpsAndPercentiles() {
    String out = """
        Running 2s test @ http://127.0.0.1:8080/
          1 threads and 16 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency   412.35us  201.11us   4.20ms   90.00%
            Req/Sec    38.12k     1.20k   40.00k    70.00%
          Latency Distribution
             50%  380.00us
             75%  450.00us
             90%  600.00us
             99%    1.25ms
          76543 requests in 2.00s, 9.12MB read
          Socket errors: connect 0, read 2, write 0, timeout 1
          Non-2xx or 3xx responses: 4
        Requests/sec:  38271.50
        Transfer/sec:      4.56MB
        """;
    RouterBenchmark.WrkRun r = RouterBenchmark.WrkRun.parse(out);
    assertThat(r.requestsPerSecond()).isEqualTo(38271.50);
    assertThat(r.p50Millis()).isEqualTo(0.38);
    assertThat(r.p99Millis()).isEqualTo(1.25);
    assertThat(r.requests()).isEqualTo(76543);
    assertThat(r.socketErrors()).isEqualTo(3);
    assertThat(r.non2xx3xx()).isEqualTo(4);
  }
}
