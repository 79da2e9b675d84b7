package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProxyingTest {
    private static final long BIG = 20L * 1024 * 1024;

    @RegisterExtension
    final TestRouter router = new TestRouter();

    private final TestBackend backend = router.serving("app", "app-1");

    @Test
    void getWithServiceHost_isAnsweredByTheServiceEndpoint() throws Exception {
        HttpResponse<String> r = router.get("app", "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello from app-1");
    }

    @Test
    void unknownHost_answers404Json() throws Exception {
        HttpResponse<String> r = router.get("nope", "/x");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).contains("\"error\":\"unknown_service\"").contains("nope.localhost");
        assertThat(backend.requests.get()).isZero();
    }

    @Test
    void pathPrefixRoute_selectsServiceWhateverTheHost() throws Exception {
        router.define("ws", ServiceLimits.DEFAULTS);
        router.services.setEndpoints("ws", List.of(backend.endpoint()));
        HttpResponse<String> r =
                router.send(router.request("unrelated", "/ws-prefix/a").GET());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(router.server.snapshot("ws").requestsTotal()).isEqualTo(1);
    }

    @Test
    void largeUpload_isStreamedToTheBackend() throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        InputStream body = new PatternStream(BIG, sent);
        HttpResponse<String> r = router.send(
                router.request("app", "/digest").POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(BIG + " " + HexFormat.of().formatHex(sent.digest()));
    }

    @Test
    void largeBodyEchoedWhileStillUploading_streamsBothWaysAtOnce() throws Exception {
        // The backend answers while it reads, so neither side may wait for the other to finish:
        // with aggregation or broken backpressure this deadlocks or buffers 20 MB.
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        try (RawHttp c = new RawHttp(router.port)) {
            c.send("POST /echo HTTP/1.1\r\nHost: app.localhost\r\nContent-Length: " + BIG + "\r\n\r\n");
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                try (InputStream in = new PatternStream(BIG, sent)) {
                    in.transferTo(c.socket.getOutputStream());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            long[] n = {0};
            RawHttp.Response r = c.read(new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    got.update(b, off, len);
                    n[0] += len;
                }
            });
            upload.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(n[0]).isEqualTo(BIG);
            assertThat(HexFormat.of().formatHex(got.digest()))
                    .isEqualTo(HexFormat.of().formatHex(sent.digest()));
        }
    }

    @Test
    void largeDownload_isStreamedToTheClient() throws Exception {
        HttpResponse<InputStream> r = router.http.send(
                router.request("app", "/bytes?n=" + BIG).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("content-length")).hasValue(BIG);
        long n = 0;
        boolean same = true;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[65536];
            for (int k; (k = in.read(buf)) > 0; n += k) {
                for (int i = 0; i < k && same; i++) {
                    same = buf[i] == TestBackend.pattern(n + i);
                }
            }
        }
        assertThat(n).isEqualTo(BIG);
        assertThat(same).isTrue();
    }

    @Test
    void sequentialRequests_reuseOneUpstreamConnection() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(router.get("app", "/").statusCode()).isEqualTo(200);
        }
        assertThat(backend.requests.get()).isEqualTo(20);
        assertThat(backend.connections).hasSize(1);
    }

    @Test
    void pipelinedRequestsOnOneClientConnection_areAnsweredInOrder() throws Exception {
        try (RawHttp c = new RawHttp(router.port)) {
            String host = "Host: app.localhost\r\n";
            c.send("GET /headers HTTP/1.1\r\n" + host + "X-Request-Id: first\r\n\r\n" + "GET / HTTP/1.1\r\n" + host
                    + "X-Request-Id: second\r\n\r\n");
            RawHttp.Response a = c.read();
            RawHttp.Response b = c.read();
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.headers().get("x-request-id")).isEqualTo("first");
            assertThat(b.body()).isEqualTo("hello from app-1");
            assertThat(b.headers().get("x-request-id")).isEqualTo("second");
            c.send("GET / HTTP/1.1\r\n" + host + "\r\n");
            assertThat(c.read().status()).isEqualTo(200);
        }
    }

    @Test
    void forwardedHeaders_andAGeneratedRequestId_areAdded() throws Exception {
        HttpResponse<String> r = router.get("app", "/headers");
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-request-id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(r.body())
                .contains("x-forwarded-for: 127.0.0.1\n")
                .contains("x-forwarded-proto: http\n")
                .contains("x-forwarded-host: app.localhost:" + router.port + "\n")
                .contains("host: app.localhost:" + router.port + "\n")
                .contains("x-request-id: " + id + "\n");
    }

    @Test
    void clientRequestIdAndForwardedFor_areKeptAndAppended() throws Exception {
        HttpResponse<String> r = router.send(router.request("app", "/headers")
                .header("X-Request-Id", "abc-123")
                .header("X-Forwarded-For", "10.1.2.3"));
        assertThat(r.headers().firstValue("x-request-id")).hasValue("abc-123");
        assertThat(r.body()).contains("x-request-id: abc-123\n").contains("x-forwarded-for: 10.1.2.3, 127.0.0.1\n");
    }

    @Test
    void http10Client_getsAnHttp10Response() throws Exception {
        try (RawHttp c = new RawHttp(router.port)) {
            c.send("GET / HTTP/1.0\r\nHost: app.localhost\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello from app-1");
            assertThat(c.readByte()).isEqualTo(-1);
        }
    }

    @Test
    void oversizedHeaders_answer431AndClose() throws Exception {
        try (RawHttp c = new RawHttp(router.port)) {
            char[] big = new char[40 * 1024];
            Arrays.fill(big, 'a');
            c.send("GET / HTTP/1.1\r\nHost: app.localhost\r\nX-Big: " + new String(big) + "\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(431);
        }
    }

    @Test
    void metrics_renderThePrometheusSeries() throws Exception {
        router.get("app", "/");
        router.get("nope", "/");
        String text = router.server.metrics().scrape();
        assertThat(text)
                .contains("wisp_router_requests_total{instance=\"app-1\",service=\"app\",status=\"2xx\"} 1.0")
                .contains("wisp_router_requests_total{instance=\"none\",service=\"_unknown\",status=\"4xx\"} 1.0")
                .contains("wisp_router_request_duration_seconds_bucket{instance=\"app-1\",service=\"app\"")
                .contains("wisp_router_service_in_flight{service=\"app\"} 0")
                .contains("wisp_router_endpoint_in_flight{instance=\"app-1\",service=\"app\"} 0")
                .contains("wisp_router_queue_depth{service=\"app\"} 0")
                .contains("wisp_router_queue_wait_seconds_bucket{service=\"app\"");
    }

    @Test
    void removedService_losesItsSeriesWithoutAnotherRequest() throws Exception {
        router.get("app", "/");
        assertThat(router.server.metrics().scrape()).contains("wisp_router_queue_depth{service=\"app\"}");

        router.services.remove("app");

        // A removed service may never be asked for again: its state and meters go at removal.
        assertThat(router.server.metrics().scrape())
                .doesNotContain("service=\"app\"")
                .contains("wisp_router_requests_total{instance=\"none\",service=\"_unknown\"");
    }

    /** A deterministic body of n bytes that feeds a digest as it is read. */
    private static final class PatternStream extends InputStream {
        private final long n;
        private final MessageDigest digest;
        private long pos;

        PatternStream(long n, MessageDigest digest) {
            this.n = n;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= n) {
                return -1;
            }
            int k = (int) Math.min(len, n - pos);
            for (int i = 0; i < k; i++) {
                b[off + i] = TestBackend.pattern(pos + i);
            }
            digest.update(b, off, k);
            pos += k;
            return k;
        }
    }
}
