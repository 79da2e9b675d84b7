package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.router.Endpoint;
import dev.wisp.router.RouterConfig;
import dev.wisp.router.RouterServer;
import dev.wisp.router.ServiceLimits;
import dev.wisp.router.ServiceLoad;
import dev.wisp.router.ServiceTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wrk as the router benchmark drives it: a short real run through the router, and how its output is read. */
class WrkThroughRouterTest {
    private static final String WRK = "/usr/bin/wrk";
    private static final String NGINX = "/usr/sbin/nginx";

    @TempDir
    Path dir;

    @Test
    void shortWrkRunThroughTheRouter_hasNoSocketErrorsAndOnly2xx() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(WRK)), "wrk not installed");
        assumeTrue(Files.isExecutable(Path.of(NGINX)), "nginx not installed");
        int backendPort = RawBaseline.freePort();
        try (NginxProcess backend = NginxProcess.start(
                NGINX, dir, "backend", 1, backendPort, "", "    location / { return 200 \"ok\\n\"; }")) {
            ServiceTable services = new ServiceTable().define("app", ServiceLimits.DEFAULTS, d -> {}, (e, t) -> {});
            services.setEndpoints("app", List.of(new Endpoint("backend", "127.0.0.1", backend.port)));
            try (RouterServer router = RouterServer.builder()
                    .config(RouterConfig.builder().ioThreads(1).build())
                    .directory(services)
                    .build()) {
                int port = router.start();
                RouterBenchmark.WrkRun run =
                        RouterBenchmark.runWrk(WRK, "http://127.0.0.1:" + port + "/", "app.localhost", 1, 16, 2);
                assertThat(run.requests()).isPositive();
                assertThat(run.socketErrors()).isZero();
                assertThat(run.non2xx3xx()).isZero();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (inFlight(router) != 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(inFlight(router))
                        .as("requests in flight after wrk stopped")
                        .isZero();
            }
        }
    }

    private static int inFlight(RouterServer router) {
        ServiceLoad l = router.snapshot("app");
        return l == null ? 0 : l.inFlight();
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
