package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The activator role: waiting for endpoints, limits, timeouts, hang-ups. */
class QueueingTest {
    @RegisterExtension
    final TestRouter router = new TestRouter();

    private final TestBackend backend = router.backend("cold-1");

    private CompletableFuture<HttpResponse<String>> getAsync(String service, String path, String id) {
        return router.sendAsync(router.request(service, path).header("X-Request-Id", id));
    }

    @Test
    void requestToServiceAtZero_firesDemandAtOnceAndIsServedWhenAnEndpointAppears() throws Exception {
        router.define("cold", ServiceLimits.DEFAULTS);
        CompletableFuture<HttpResponse<String>> pending = getAsync("cold", "/", "wake-1");

        // Demand is signalled on arrival, while the request waits (this router has no tick): the
        // event loop enqueues, then signals, so the test waits for both.
        TestRouter.await(() -> router.queued("cold") == 1 && router.demands.size() == 1, "request to wait, demand");
        assertThat(router.demands).hasSize(1);
        Demand d = router.demands.get(0);
        assertThat(d.service()).isEqualTo("cold");
        assertThat(d.reason()).isEqualTo(Demand.Reason.NO_ENDPOINTS);
        assertThat(d.queued()).isEqualTo(1);
        assertThat(pending).isNotDone();

        router.services.addEndpoint("cold", backend.endpoint());
        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello from cold-1");
        assertThat(router.queued("cold")).isZero();
        assertThat(router.server.metrics().scrape())
                .containsPattern("wisp_router_queue_wait_seconds_count\\{service=\"cold\"} 1");
    }

    @Test
    void requestWaitingLongerThanTheQueueTimeout_gets503WithRetryAfter() throws Exception {
        router.define("cold", ServiceLimits.DEFAULTS.withQueueTimeout(Duration.ofMillis(300)));
        HttpResponse<String> r = router.get("cold", "/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.body()).contains("\"error\":\"queue_timeout\"");
        assertThat(router.queued("cold")).isZero();
    }

    @Test
    void serviceThatCannotStart_waitingAndNewRequestsGet503WithTheReasonAtOnce() throws Exception {
        router.define("cold", ServiceLimits.DEFAULTS.withQueueTimeout(Duration.ofSeconds(60)));
        CompletableFuture<HttpResponse<String>> waiting = getAsync("cold", "/", "waiting");
        TestRouter.await(() -> router.queued("cold") == 1, "request to wait");

        ServiceEndpoints cold = (ServiceEndpoints) router.services.lookup("cold");
        cold.unavailable("entrypoint exited with code 3 before it was ready");
        HttpResponse<String> flushed = waiting.get(10, TimeUnit.SECONDS);
        assertThat(flushed.statusCode()).isEqualTo(503);
        assertThat(flushed.body())
                .contains("\"error\":\"service_unavailable\"")
                .contains("entrypoint exited with code 3 before it was ready");
        assertThat(router.queued("cold")).isZero();

        int demandsBefore = router.demands.size();
        HttpResponse<String> next = router.get("cold", "/");
        assertThat(next.statusCode()).isEqualTo(503);
        assertThat(next.headers().firstValue("retry-after")).hasValue("1");
        assertThat(next.body()).contains("entrypoint exited with code 3 before it was ready");
        // The platform still hears that someone wants the service (to retry when its back-off ends).
        assertThat(router.demands.size()).isGreaterThan(demandsBefore);

        cold.unavailable(null);
        router.services.addEndpoint("cold", backend.endpoint());
        assertThat(router.get("cold", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void requestArrivingToAFullQueue_gets503AtOnce() throws Exception {
        router.define("cold", ServiceLimits.DEFAULTS.withQueueCapacity(1));
        CompletableFuture<HttpResponse<String>> first = getAsync("cold", "/", "first");
        TestRouter.await(() -> router.queued("cold") == 1, "first request to wait");

        long t0 = System.nanoTime();
        HttpResponse<String> second = router.get("cold", "/");
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("retry-after")).hasValue("1");
        assertThat(second.body()).contains("\"error\":\"queue_full\"");
        // Answered without waiting for the 30 s queue timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

        router.services.addEndpoint("cold", backend.endpoint());
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void clientHangingUpWhileQueued_leavesTheQueue() throws Exception {
        router.define("cold", ServiceLimits.DEFAULTS);
        try (RawHttp c = new RawHttp(router.port)) {
            c.send("GET / HTTP/1.1\r\nHost: cold.localhost\r\n\r\n");
            TestRouter.await(() -> router.queued("cold") == 1, "request to wait");
        }
        TestRouter.await(() -> router.queued("cold") == 0, "queue to empty after hang-up");
        assertThat(router.server.snapshot("cold").inFlight()).isZero();
        assertThat(router.server.metrics().scrape()).contains("wisp_router_queue_depth{service=\"cold\"} 0");

        // Nothing is released to the backend for the departed client.
        router.services.addEndpoint("cold", backend.endpoint());
        assertThat(router.get("cold", "/").statusCode()).isEqualTo(200);
        assertThat(backend.requestIds).hasSize(1);
    }

    @Test
    void requestsBeyondTheHardLimit_waitAndAreReleasedInArrivalOrder() throws Exception {
        router.define("cold", ServiceLimits.DEFAULTS.withHardLimit(1));
        router.services.addEndpoint("cold", backend.endpoint());

        CompletableFuture<HttpResponse<String>> a = getAsync("cold", "/hold", "A");
        TestRouter.await(() -> backend.holding.get() == 1, "A to reach the backend");
        CompletableFuture<HttpResponse<String>> b = getAsync("cold", "/hold", "B");
        TestRouter.await(() -> router.queued("cold") == 1, "B to wait");
        CompletableFuture<HttpResponse<String>> c = getAsync("cold", "/hold", "C");
        TestRouter.await(() -> router.queued("cold") == 2, "C to wait");
        assertThat(router.inFlight("cold")).isEqualTo(1);
        // A took the last spare slot (scale-out hint), B and C found none (they wait).
        assertThat(router.demands)
                .extracting(Demand::reason)
                .containsExactly(Demand.Reason.SOFT_LIMIT, Demand.Reason.SATURATED, Demand.Reason.SATURATED);

        backend.releaseHeld();
        assertThat(a.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(b.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(c.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(backend.requestIds).containsExactly("A", "B", "C");
    }
}
