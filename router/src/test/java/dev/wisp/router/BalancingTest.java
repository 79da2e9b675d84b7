package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BalancingTest {

    @Test
    void concurrentSlowRequests_areSpreadEvenlyByLeastOutstanding() throws Exception {
        try (TestRouter router = new TestRouter();
                TestBackend a = new TestBackend("a");
                TestBackend b = new TestBackend("b")) {
            router.define("app", ServiceLimits.DEFAULTS);
            router.services.setEndpoints("app", List.of(a.endpoint(), b.endpoint()));
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(router.sendAsync(router.request("app", "/hold")));
            }
            TestRouter.await(() -> a.holding.get() + b.holding.get() == 12, "all requests to reach the backends");
            // With two endpoints both choices are always sampled, so least-outstanding is exact:
            // 6 and 6, where a random pick would give an uneven split about 77 % of the time.
            assertThat(a.holding.get()).isEqualTo(6);
            assertThat(b.holding.get()).isEqualTo(6);
            assertThat(router.server.snapshot("app").inFlightByInstance())
                    .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("a", 6, "b", 6));
            a.releaseHeld();
            b.releaseHeld();
            for (CompletableFuture<HttpResponse<String>> f : calls) {
                assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(router.inFlight("app")).isZero();
        }
    }
}
