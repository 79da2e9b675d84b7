package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebSocketTest {

    @Test
    void webSocketUpgrade_becomesABytePipeThatEchoes() throws Exception {
        try (TestRouter router = new TestRouter();
                WebSocketEchoBackend backend = new WebSocketEchoBackend();
                EchoSocket socket = openEcho(router, backend)) {
            String large = "x".repeat(5000);
            for (String msg : List.of("hello", "through the router", large)) {
                assertThat(socket.echo(msg)).isEqualTo(msg);
            }
            // An open WebSocket counts as one request in flight for the autoscaler.
            assertThat(router.inFlight("ws")).isEqualTo(1);
            socket.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            TestRouter.await(() -> router.inFlight("ws") == 0, "tunnel release");
        }
    }

    private static EchoSocket openEcho(TestRouter router, WebSocketEchoBackend backend) throws Exception {
        router.define("ws", ServiceLimits.DEFAULTS);
        router.services.setEndpoints("ws", List.of(backend.endpoint()));
        return EchoSocket.open(router);
    }
}
