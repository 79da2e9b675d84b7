package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebSocketTest {

    @Test
    void webSocketUpgrade_becomesABytePipeThatEchoes() throws Exception {
        try (TestRouter router = new TestRouter();
                WebSocketEchoBackend backend = new WebSocketEchoBackend()) {
            router.define("ws", ServiceLimits.DEFAULTS);
            router.services.setEndpoints("ws", List.of(backend.endpoint()));
            LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket ws = router.http
                    .newWebSocketBuilder()
                    .buildAsync(
                            URI.create("ws://127.0.0.1:" + router.port + "/ws-prefix/chat"), new WebSocket.Listener() {
                                private final StringBuilder text = new StringBuilder();

                                @Override
                                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                    text.append(data);
                                    if (last) {
                                        received.add(text.toString());
                                        text.setLength(0);
                                    }
                                    w.request(1);
                                    return CompletableFuture.completedFuture(null);
                                }
                            })
                    .get(10, TimeUnit.SECONDS);
            String large = "x".repeat(5000);
            for (String msg : List.of("hello", "through the router", large)) {
                ws.sendText(msg, true).get(5, TimeUnit.SECONDS);
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(msg);
            }
            // An open WebSocket counts as one request in flight for the autoscaler.
            assertThat(router.inFlight("ws")).isEqualTo(1);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            TestRouter.await(() -> router.inFlight("ws") == 0, "tunnel release");
        }
    }
}
