package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The noisy-neighbour load reads real hey's per-request CSV: percentiles need no 100 answers. */
class NoisyNeighbourLoadTest {
    @Test
    void heyCsv_fromRealHey_givesEveryAnswerAndItsFailures() throws Exception {
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            // Every 5th request fails: its status must count as failed, not as an answer.
            int n = served.incrementAndGet();
            byte[] body = "hi".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(n % 5 == 0 ? 503 : 200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        try {
            Process p = new ProcessBuilder(List.of(
                            "hey",
                            "-n",
                            "40",
                            "-c",
                            "1",
                            "-o",
                            "csv",
                            "http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                    .redirectErrorStream(true)
                    .start();
            String csv = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();

            NoisyNeighbour.Round r = NoisyNeighbour.parseCsv(csv, 2);

            assertThat(r.requests()).isEqualTo(40);
            assertThat(r.failed()).isEqualTo(8);
            assertThat(r.requestsPerSecond()).isEqualTo(16.0);
            assertThat(r.p50Ms()).isPositive().isLessThanOrEqualTo(r.p99Ms());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void heyCsv_withNoAnswers_isNaNNotAnError() {
        NoisyNeighbour.Round r = NoisyNeighbour.parseCsv(
                "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n", 5);

        assertThat(r.requests()).isZero();
        assertThat(r.p99Ms()).isNaN();
    }
}
