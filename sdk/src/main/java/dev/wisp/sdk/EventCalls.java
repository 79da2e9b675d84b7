package dev.wisp.sdk;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The {@code GET /v1/events} stream of {@link WispClient}: starts an {@link SseSubscription} on it.
 *
 * @param reconnectDelay how long a lost stream waits before it connects again (the server's {@code retry:} wins)
 */
record EventCalls(ApiTransport t, Duration reconnectDelay) {

    EventSubscription subscribe(String lastEventId, Consumer<Event> onEvent, Consumer<Throwable> onError) {
        return new SseSubscription(this, lastEventId, onEvent, onError).start();
    }

    /** The stream's request, resuming after {@code last} unless null. */
    HttpRequest request(String last) {
        // No request timeout: the stream is meant to stay open; the connect timeout still applies.
        HttpRequest.Builder r = HttpRequest.newBuilder(t.uri("/v1/events", true))
                .header("Accept", "text/event-stream")
                .GET();
        t.auth(r);
        if (last != null) {
            r.header("Last-Event-ID", last);
        }
        return r.build();
    }
}
