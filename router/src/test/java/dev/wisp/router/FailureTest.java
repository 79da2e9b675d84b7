package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Backends that die: retries, 502s, suspect endpoints and the platform being told. */
class FailureTest {
    @RegisterExtension
    final TestRouter router = new TestRouter();

    private final TestBackend alive = router.backend("alive");
    private final TestBackend doomed = router.backend("doomed");

    @BeforeEach
    void defineService() {
        router.define("app", ServiceLimits.DEFAULTS);
    }

    @Test
    void killedBackend_idempotentRequestsAreRetriedOnTheOtherEndpoint() throws Exception {
        router.services.setEndpoints("app", List.of(doomed.endpoint(), alive.endpoint()));
        for (int i = 0; i < 6; i++) {
            assertThat(router.get("app", "/").statusCode()).isEqualTo(200); // warm both pools
        }
        doomed.close();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = router.get("app", "/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello from alive");
            HttpResponse<String> put =
                    router.send(router.request("app", "/").PUT(HttpRequest.BodyPublishers.ofString("v" + i)));
            assertThat(put.statusCode()).isEqualTo(200);
        }
        // The refusing endpoint was reported to the platform and is avoided from then on.
        assertThat(router.failures).contains(doomed.endpoint());
        assertThat(router.server.metrics().scrape())
                .containsPattern(
                        "wisp_router_upstream_connect_failures_total\\{instance=\"doomed\",service=\"app\"} [1-9]");
    }

    @Test
    void killedBackend_nonIdempotentRequestGets502() throws Exception {
        router.services.setEndpoints("app", List.of(doomed.endpoint()));
        assertThat(router.get("app", "/").statusCode()).isEqualTo(200);
        doomed.close();
        HttpResponse<String> r = router.post("app", "payload");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"error\":\"bad_gateway\"");
        assertThat(router.inFlight("app")).isZero();
    }

    @Test
    void onlyEndpointRefusingForGood_idempotentRequestGets502AfterBoundedAttempts() throws Exception {
        router.services.setEndpoints("app", List.of(doomed.endpoint()));
        doomed.close();
        HttpResponse<String> r = router.get("app", "/");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("attempt " + Admission.MAX_ATTEMPTS + " of " + Admission.MAX_ATTEMPTS);
        assertThat(router.failures).hasSize(Admission.MAX_ATTEMPTS).containsOnly(doomed.endpoint());
        // Suspect, but the only endpoint: the next request still tries it rather than hanging.
        assertThat(router.get("app", "/").statusCode()).isEqualTo(502);
        router.assertIdle("app");
    }

    @Test
    void onlyEndpointDropsTheRequest_getIsAnsweredByTheEndpointPublishedLater() throws Exception {
        DroppingBackend dying = onlyEndpointDropping();
        CompletableFuture<HttpResponse<String>> r =
                router.sendAsync(router.request("app", "/").GET());
        // The request is held, and the platform told there is demand, until a replacement comes.
        TestRouter.await(() -> router.queued("app") == 1, "the dropped GET to wait in the buffer");
        assertThat(router.demands).isNotEmpty();
        Thread.sleep(300);
        assertThat(r).isNotDone();
        router.services.setEndpoints("app", List.of(dying.endpoint(), alive.endpoint()));

        assertThat(r.get().statusCode()).isEqualTo(200);
        assertThat(r.get().body()).isEqualTo("hello from alive");
        assertThat(dying.dropped.get()).isEqualTo(1); // kept away from the endpoint that dropped it
        assertThat(router.server.metrics().scrape())
                .containsPattern("wisp_router_retries_total\\{service=\"app\"} 1\\.0");
        router.assertIdle("app");
    }

    @Test
    void onlyEndpointDropsTheRequest_postGets502AndIsNotSentAgain() throws Exception {
        DroppingBackend dying = onlyEndpointDropping();
        CompletableFuture<HttpResponse<String>> r =
                router.sendAsync(router.request("app", "/").POST(HttpRequest.BodyPublishers.ofString("order 1")));
        TestRouter.await(() -> dying.dropped.get() == 1, "the POST to reach the backend");
        router.services.setEndpoints("app", List.of(dying.endpoint(), alive.endpoint()));

        assertThat(r.get().statusCode()).isEqualTo(502);
        assertThat(r.get().body()).contains("\"error\":\"bad_gateway\"");
        assertThat(alive.requests.get()).isZero();
        assertThat(dying.dropped.get()).isEqualTo(1);
        assertThat(router.server.metrics().scrape())
                .containsPattern("wisp_router_retries_total\\{service=\"app\"} 0\\.0");
    }

    @Test
    void droppedGetWithNoReplacement_gets503AtTheQueueTimeout() throws Exception {
        router.define("app", ServiceLimits.DEFAULTS.withQueueTimeout(Duration.ofMillis(400)));
        DroppingBackend dying = onlyEndpointDropping();
        // Nothing is published: the dying endpoint is kept away from (1 s) longer than the timeout.
        HttpResponse<String> r = router.get("app", "/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"error\":\"queue_timeout\"");
        assertThat(dying.dropped.get()).isEqualTo(1);
        assertThat(router.queued("app")).isZero();
    }

    @Test
    void stalledListener_postConnectsAgainToTheOtherEndpoint() throws Exception {
        try (TestRouter quick = routerWithConnectTimeout(Duration.ofMillis(300));
                StalledListener stalled = new StalledListener("stalled")) {
            quick.define("app", ServiceLimits.DEFAULTS);
            quick.services.setEndpoints("app", List.of(stalled.endpoint(), alive.endpoint()));
            // Balancing breaks ties at random: post until one request met the stalled endpoint.
            for (int i = 0; i < 64 && !quick.failures.contains(stalled.endpoint()); i++) {
                HttpResponse<String> r = quick.post("app", "v" + i);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("hello from alive");
            }
            assertThat(quick.failures).contains(stalled.endpoint());
            assertThat(quick.server.metrics().scrape())
                    .containsPattern("wisp_router_retries_total\\{service=\"app\"} [1-9]");
        }
    }

    @Test
    void stalledListenerThatCatchesUp_postGoesThroughOnTheSameEndpoint() throws Exception {
        try (TestRouter quick = routerWithConnectTimeout(Duration.ofMillis(800));
                StalledListener stalled = new StalledListener("stalled")) {
            quick.define("app", ServiceLimits.DEFAULTS);
            quick.services.setEndpoints("app", List.of(stalled.endpoint()));
            CompletableFuture<HttpResponse<String>> r =
                    quick.sendAsync(quick.request("app", "/").POST(HttpRequest.BodyPublishers.ofString("payload")));
            TestRouter.await(() -> quick.failures.contains(stalled.endpoint()), "a connect to time out");
            stalled.catchUp();
            assertThat(r.get().statusCode()).isEqualTo(200);
            assertThat(r.get().body()).isEqualTo("hello from stalled");
        }
    }

    /** A backend that drops every request, published as the service's only endpoint. */
    private DroppingBackend onlyEndpointDropping() throws IOException {
        DroppingBackend dying = router.closing(new DroppingBackend("dying"));
        router.services.setEndpoints("app", List.of(dying.endpoint()));
        return dying;
    }

    private static TestRouter routerWithConnectTimeout(Duration timeout) {
        return new TestRouter(
                RouterConfig.builder()
                        .ioThreads(2)
                        .connectTimeout(timeout)
                        .drainTimeout(Duration.ofSeconds(2))
                        .build(),
                Routes.localhost());
    }

    @Test
    void instanceAcceptsButNeverAnswers_504WithinTheResponseTimeoutCountedAgainstIt() throws Exception {
        router.define("app", ServiceLimits.DEFAULTS.withResponseTimeout(Duration.ofMillis(300)));
        try (RawListener silent = new RawListener(socket -> {
            try (socket) {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream()); // reads, never answers
            } catch (IOException ignored) {
                // the router closed it: expected
            }
        })) {
            router.services.setEndpoints("app", List.of(silent.endpoint("silent")));
            HttpResponse<String> r = router.get("app", "/");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("\"error\":\"upstream_timeout\"").contains("within 300 ms");
            // Not retried (the app may be working on it), and counted against the instance, not "none".
            HttpResponse<String> again = router.get("app", "/");
            assertThat(again.statusCode()).isEqualTo(504);
            String metrics = router.server.metrics().scrape();
            assertThat(metrics)
                    .contains("wisp_router_upstream_timeouts_total{instance=\"silent\",service=\"app\"} 2.0")
                    .contains("wisp_router_requests_total{instance=\"silent\",service=\"app\",status=\"5xx\"} 2.0");
            router.assertIdle("app");
        }
    }
}
