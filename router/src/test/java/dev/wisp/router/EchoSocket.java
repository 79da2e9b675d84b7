package dev.wisp.router;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's WebSocket client through a {@link TestRouter} to service {@code ws}: texts it got, and how it ended.
 * Close it in the test: {@code HttpClient.close()} waits for every open WebSocket, and about 2 in 100 whose
 * connection the router closed stayed open in the JDK (CLOSE-WAIT, the listener never told), so CI's run hung
 * there until its limit. {@link RawWebSocketClient} is the one that can see a close.
 */
final class EchoSocket implements AutoCloseable {
    final WebSocket ws;
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** "close CODE" or "error ...": completed once the connection is over, whichever way. */
    final CompletableFuture<String> ended = new CompletableFuture<>();

    private EchoSocket(TestRouter router) throws Exception {
        ws = router.http
                .newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + router.port + "/ws-prefix/chat"), new Listener())
                .get(10, TimeUnit.SECONDS);
    }

    static EchoSocket open(TestRouter router) throws Exception {
        return new EchoSocket(router);
    }

    /** Sends {@code text} and returns the echo (null if none came within 5 s). */
    String echo(String text) throws Exception {
        ws.sendText(text, true).get(5, TimeUnit.SECONDS);
        return received.poll(5, TimeUnit.SECONDS);
    }

    /** Drops the connection at once (no close handshake), so no HttpClient waits on it. */
    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
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

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            w.request(1);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            ended.complete("close " + statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            ended.complete("error " + error);
        }
    }
}
