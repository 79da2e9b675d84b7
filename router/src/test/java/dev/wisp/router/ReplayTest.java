package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request body sent again after its upstream died: the copy the router keeps for a retry
 * ({@link RequestBody}) goes out whole, and a body past the copy's limit is never sent twice.
 */
class ReplayTest {
    @RegisterExtension
    final TestRouter router = new TestRouter();

    private final TestBackend alive = router.backend("alive");
    private Swallowing dying;

    @BeforeEach
    void setUp() throws Exception {
        dying = router.closing(new Swallowing());
        router.define("app", ServiceLimits.DEFAULTS);
        router.services.setEndpoints("app", List.of(dying.endpoint()));
    }

    @Test
    void putDroppedAfterItsWholeBody_reachesTheNextEndpointWithTheSameBody() throws Exception {
        byte[] body = body(10_000);
        CompletableFuture<HttpResponse<String>> r = put(body);
        TestRouter.await(() -> router.queued("app") == 1, "the dropped PUT to wait for a replacement");
        router.services.setEndpoints("app", List.of(dying.endpoint(), alive.endpoint()));

        assertThat(r.get().statusCode()).isEqualTo(200);
        assertThat(r.get().body()).isEqualTo(body.length + " " + sha256(body));
        assertThat(dying.swallowed.get()).isEqualTo(1);
        assertThat(router.server.metrics().scrape())
                .containsPattern("wisp_router_retries_total\\{service=\"app\"} 1\\.0");
    }

    @Test
    void putDroppedWithABodyOverTheReplayLimit_gets502AndIsNotSentAgain() throws Exception {
        CompletableFuture<HttpResponse<String>> r = put(body(RequestBody.MAX_REPLAY + 1));
        TestRouter.await(() -> dying.swallowed.get() == 1, "the PUT to reach the backend");
        router.services.setEndpoints("app", List.of(dying.endpoint(), alive.endpoint()));

        assertThat(r.get().statusCode()).isEqualTo(502);
        assertThat(r.get().body()).contains("\"error\":\"bad_gateway\"");
        assertThat(alive.requests.get()).isZero();
        assertThat(router.inFlight("app")).isZero();
    }

    private CompletableFuture<HttpResponse<String>> put(byte[] body) {
        return router.sendAsync(router.request("app", "/digest").PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = TestBackend.pattern(i);
        }
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /**
     * A loopback listener that reads a whole request (head and Content-Length body) and closes
     * without a byte of answer: an instance whose VM died after the request reached it.
     */
    private static final class Swallowing extends RawBackend {
        final AtomicInteger swallowed = new AtomicInteger();

        Swallowing() throws IOException {
            super("dying");
        }

        @Override
        void serve(Socket s) {
            try (s;
                    InputStream in = s.getInputStream()) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                long length = contentLength(head);
                if (in.readNBytes((int) length).length == length) {
                    swallowed.incrementAndGet();
                }
            } catch (IOException e) {
                // the router closed first
            }
        }
    }
}
