package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void close_letsTheInFlightRequestFinishThenStops() throws Exception {
        TestRouter router = new TestRouter();
        try (TestBackend backend = new TestBackend("slow")) {
            router.define("app", ServiceLimits.DEFAULTS);
            router.services.setEndpoints("app", List.of(backend.endpoint()));
            CompletableFuture<HttpResponse<String>> call = router.sendAsync(router.request("app", "/hold"));
            TestRouter.await(() -> backend.holding.get() == 1, "request to reach the backend");

            CompletableFuture<Void> closing = CompletableFuture.runAsync(router.server::close);
            TestRouter.await(
                    () -> {
                        try (java.net.Socket s = new java.net.Socket("127.0.0.1", router.port)) {
                            return !s.isConnected();
                        } catch (java.io.IOException refused) {
                            return true; // no longer accepting
                        }
                    },
                    "listener to close");
            assertThat(closing).isNotDone();

            backend.releaseHeld();
            HttpResponse<String> r = call.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("connection")).hasValue("close");
            closing.get(10, TimeUnit.SECONDS);
        } finally {
            router.close();
        }
    }
}
