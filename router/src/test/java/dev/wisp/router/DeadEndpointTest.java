package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An endpoint whose instance died while requests were in flight on it, its connections silent
 * (no reset: a killed guest behind TAP): the platform's word fails them over at once.
 */
class DeadEndpointTest {
    @RegisterExtension
    final TestRouter router = new TestRouter();

    private final HeldBackend silent = router.closing(held("silent"));
    private final TestBackend alive = router.backend("alive");

    @BeforeEach
    void defineService() {
        router.define("app", ServiceLimits.DEFAULTS); // response timeout 60 s: longer than the client's 30 s
        router.services.setEndpoints("app", List.of(silent.endpoint()));
    }

    @Test
    void deadEndpointWithGetInFlight_getIsAnsweredByTheOtherEndpoint() throws Exception {
        CompletableFuture<HttpResponse<String>> r =
                heldBySilent(router.request("app", "/").GET());
        silentDiesAliveTakesOver();
        HttpResponse<String> answered = r.get();
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).isEqualTo("hello from alive");
        TestRouter.await(() -> router.inFlight("app") == 0, "the request to leave the books");
        router.assertIdle("app");
    }

    @Test
    void deadEndpointWithPostInFlight_postGets502NamingTheDeath() throws Exception {
        CompletableFuture<HttpResponse<String>> r =
                heldBySilent(router.request("app", "/").POST(HttpRequest.BodyPublishers.ofString("order 1")));
        silentDiesAliveTakesOver();
        HttpResponse<String> answered = r.get();
        assertThat(answered.statusCode()).isEqualTo(502);
        assertThat(answered.body()).contains("\"error\":\"bad_gateway\"").contains("instance silent died");
        // Not sent again: the app may have taken the order.
        assertThat(alive.requests.get()).isZero();
        TestRouter.await(() -> router.inFlight("app") == 0, "the request to leave the books");
    }

    @Test
    void removedButAliveEndpoint_requestInFlightFinishesThere() throws Exception {
        CompletableFuture<HttpResponse<String>> r =
                heldBySilent(router.request("app", "/").GET());
        router.services.addEndpoint("app", alive.endpoint());
        router.services.removeEndpoint("app", silent.endpoint()); // drained, not dead
        assertThat(router.get("app", "/").body()).isEqualTo("hello from alive"); // the removal is in effect
        silent.answer();
        HttpResponse<String> answered = r.get();
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).isEqualTo("hello from silent");
    }

    /** Sends {@code request} and waits until the silent endpoint holds it. */
    private CompletableFuture<HttpResponse<String>> heldBySilent(HttpRequest.Builder request)
            throws InterruptedException {
        CompletableFuture<HttpResponse<String>> r = router.sendAsync(request);
        TestRouter.await(() -> silent.held.get() == 1, "the request to reach the silent endpoint");
        return r;
    }

    /** The platform's word that the silent endpoint's instance died, once another endpoint is up. */
    private void silentDiesAliveTakesOver() {
        router.services.addEndpoint("app", alive.endpoint());
        router.services.removeDeadEndpoint("app", silent.endpoint());
    }

    private static HeldBackend held(String id) {
        try {
            return new HeldBackend(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
