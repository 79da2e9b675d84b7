package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A paused instance's endpoint: out of rotation, but its state kept for the wake. */
class ParkingTest {
    @RegisterExtension
    final TestRouter router = new TestRouter();

    private final TestBackend backend = router.backend("warm-1");

    @BeforeEach
    void defineService() {
        router.define("warm", ServiceLimits.DEFAULTS);
    }

    private String requestsCounted() {
        return router.server
                .metrics()
                .scrape()
                .lines()
                .filter(l -> l.startsWith("wisp_router_requests_total{")
                        && l.contains("instance=\"warm-1\"")
                        && l.contains("status=\"2xx\""))
                .findFirst()
                .orElse("none");
    }

    @Test
    void parkedEndpoint_takesNoRequestsAndWaitersDemandAWake() throws Exception {
        router.services.addEndpoint("warm", backend.endpoint());
        assertThat(router.get("warm", "/").statusCode()).isEqualTo(200);

        router.services.parkEndpoint("warm", backend.endpoint());
        CompletableFuture<HttpResponse<String>> pending = router.sendAsync(router.request("warm", "/"));
        TestRouter.await(() -> router.queued("warm") == 1, "request to wait for the wake");
        assertThat(router.demands).extracting(Demand::reason).contains(Demand.Reason.NO_ENDPOINTS);

        router.services.addEndpoint("warm", backend.endpoint());
        assertThat(pending.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void requestInFlightWhenParked_staysCountedUntilItsAnswer_soTheDrainWaitsForIt() throws Exception {
        router.services.addEndpoint("warm", backend.endpoint());
        CompletableFuture<HttpResponse<String>> held = router.sendAsync(router.request("warm", "/hold"));
        TestRouter.await(() -> backend.holding.get() == 1, "the request to reach the instance");

        router.services.parkEndpoint("warm", backend.endpoint());
        assertThat(router.server.snapshot("warm").inFlightByInstance()).containsEntry("warm-1", 1);

        backend.releaseHeld();
        assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        TestRouter.await(
                () -> router.server.snapshot("warm").inFlightByInstance().getOrDefault("warm-1", 0) == 0,
                "the answer to free the slot");
    }

    @Test
    void endpointBackFromParking_keepsItsCountersAcrossTheSleep() throws Exception {
        router.services.addEndpoint("warm", backend.endpoint());
        for (int i = 0; i < 3; i++) {
            assertThat(router.get("warm", "/").statusCode()).isEqualTo(200);
        }
        router.services.parkEndpoint("warm", backend.endpoint());
        assertThat(requestsCounted()).endsWith(" 3.0");

        router.services.addEndpoint("warm", backend.endpoint());
        assertThat(router.get("warm", "/").statusCode()).isEqualTo(200);
        assertThat(requestsCounted()).endsWith(" 4.0");
    }

    @Test
    void parkedEndpointRemovedForGood_dropsItsSeries() throws Exception {
        router.services.addEndpoint("warm", backend.endpoint());
        assertThat(router.get("warm", "/").statusCode()).isEqualTo(200);
        router.services.parkEndpoint("warm", backend.endpoint());

        router.services.removeEndpoint("warm", backend.endpoint());
        assertThat(router.services.lookup("warm").parked()).isEmpty();
        TestRouter.await(() -> requestsCounted().equals("none"), "the instance's series to go");
    }
}
