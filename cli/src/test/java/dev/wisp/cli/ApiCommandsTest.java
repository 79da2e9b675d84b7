package dev.wisp.cli;

import static dev.wisp.cli.CliRun.wisp;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API commands' behaviour that needs no control plane: usage errors, unreachable API, completion, top's arithmetic. */
class ApiCommandsTest {
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void noControlPlaneListening_exit7NamingTheUrl() throws IOException {
        int port = freePort();
        CliRun r = wisp("ls", "--api", "http://127.0.0.1:" + port, "--token", "wisp_x");
        assertThat(r.code()).isEqualTo(Main.EXIT_UNAVAILABLE);
        assertThat(r.err().strip())
                .startsWith("wisp: cannot reach http://127.0.0.1:" + port)
                .doesNotContain("\n");
    }

    @Test
    void apiUrlWithoutHost_usageError() {
        wisp("status", "hello", "--api", "localhost7070", "--token", "wisp_x")
                .refused()
                .contains("--api needs a URL like http://host:7070");
    }

    @Test
    void scaleWithoutLimits_usageErrorBeforeAnyRequest() {
        wisp("scale", "hello", "--api", "http://127.0.0.1:1", "--token", "wisp_x")
                .refused()
                .contains("give at least one of --min, --max, --target");
    }

    @Test
    void deployWithBothImageAndDir_usageError() {
        wisp("deploy", "hello", "--image", "abc", "--dir", ".").refused().contains("mutually exclusive");
    }

    @Test
    void completionScript_coversTheControlPlaneCommands() {
        CliRun r = wisp("generate-completion");
        assertThat(r.code()).isZero();
        for (String c : List.of(
                "deploy", "ls", "status", "logs", "events", "scale", "rollback", "rm", "tenants", "tokens", "top")) {
            assertThat(r.out()).as(c).containsPattern("\\b" + c + "\\b");
        }
        assertThat(r.out()).contains("--token-file").contains("--follow").contains("push");
    }

    @Test
    void routerSeries_giveRequestRateAndRecentP99PerApiService() {
        String before = """
                # TYPE wisp_router_requests_total counter
                wisp_router_requests_total{instance="hello-r1-abc123-1",service="hello-r1-abc123",status="2xx"} 100.0
                wisp_router_request_duration_seconds_bucket{instance="hello-r1-abc123-1",service="hello-r1-abc123",le="0.005"} 90.0
                wisp_router_request_duration_seconds_bucket{instance="hello-r1-abc123-1",service="hello-r1-abc123",le="0.1"} 100.0
                wisp_router_request_duration_seconds_bucket{instance="hello-r1-abc123-1",service="hello-r1-abc123",le="+Inf"} 100.0
                """;
        // 200 more requests in 2 s: 150 under 5 ms, 49 under 100 ms, 1 slower: p99 falls in the 100 ms bucket
        String after = """
                wisp_router_requests_total{instance="hello-r1-abc123-1",service="hello-r1-abc123",status="2xx"} 290.0
                wisp_router_requests_total{instance="hello-r1-abc123-1",service="hello-r1-abc123",status="5xx"} 10.0
                wisp_router_request_duration_seconds_bucket{instance="hello-r1-abc123-1",service="hello-r1-abc123",le="0.005"} 240.0
                wisp_router_request_duration_seconds_bucket{instance="hello-r1-abc123-1",service="hello-r1-abc123",le="0.1"} 299.0
                wisp_router_request_duration_seconds_bucket{instance="hello-r1-abc123-1",service="hello-r1-abc123",le="+Inf"} 300.0
                wisp_router_requests_total{instance="other-r2-def456-1",service="other-r2-def456",status="2xx"} 5.0
                """;
        List<String> names = List.of("hello");
        RouterStats a = RouterStats.parse(before, l -> TopCommand.serviceOf(l, names, Map.of()));
        RouterStats b = RouterStats.parse(after, l -> TopCommand.serviceOf(l, names, Map.of()));
        assertThat(b.rps(a, "hello", 2.0)).isEqualTo(100.0);
        assertThat(b.p99(a, "hello")).isEqualTo(0.1);
        assertThat(b.rps(a, "other", 2.0)).isNull();
        assertThat(a.p99(a, "hello"))
                .as("no requests between two equal readings")
                .isNull();
    }
}
