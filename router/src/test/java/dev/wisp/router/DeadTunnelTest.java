package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A WebSocket tunnel to an endpoint whose instance died. The echo backend stays up and never
 * closes its side, as a killed guest behind TAP sends no reset: only the platform's word (the
 * endpoint removed as dead) can end the tunnel before the idle timeout (60 s here).
 */
class DeadTunnelTest {
    @RegisterExtension
    final TestRouter router = new TestRouter();

    @Test
    void deadEndpointWithOpenTunnel_clientConnectionIsClosedAtOnce() throws Exception {
        WebSocketEchoBackend backend = echoService();
        try (RawWebSocketClient socket = RawWebSocketClient.open(router)) {
            assertThat(socket.echo("before")).isEqualTo("before");
            router.services.removeDeadEndpoint("ws", backend.endpoint());
            // Bounded well under the 60 s idle timeout that would otherwise end it.
            assertThat(socket.endsWithin(Duration.ofSeconds(15)))
                    .as("the client's connection ended")
                    .isTrue();
            TestRouter.await(() -> router.inFlight("ws") == 0, "the tunnel to leave the books");
        }
    }

    @Test
    void drainedEndpointWithOpenTunnel_tunnelKeepsWorking() throws Exception {
        WebSocketEchoBackend backend = echoService();
        try (EchoSocket socket = EchoSocket.open(router)) {
            router.services.removeEndpoint("ws", backend.endpoint()); // drained, not dead
            assertThat(socket.echo("still here")).isEqualTo("still here");
            assertThat(socket.ended).isNotDone();
        }
    }

    /** Service {@code ws} with one echo backend, which stays up (and silent to the router) until the test ends. */
    private WebSocketEchoBackend echoService() throws IOException {
        WebSocketEchoBackend backend = router.closing(new WebSocketEchoBackend());
        router.define("ws", ServiceLimits.DEFAULTS);
        router.services.setEndpoints("ws", List.of(backend.endpoint()));
        return backend;
    }
}
