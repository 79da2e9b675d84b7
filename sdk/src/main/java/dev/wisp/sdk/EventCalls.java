package dev.wisp.sdk;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.function.Consumer;

/** The {@code GET /v1/events} stream of {@link WispClient}: starts an {@link SseSubscription} on it. */
final class EventCalls {
    private final ApiTransport t;
    private final Duration reconnectDelay;

    EventCalls(ApiTransport t, Duration reconnectDelay) {
        this.t = t;
        this.reconnectDelay = reconnectDelay;
    }

    EventSubscription subscribe(
            WispClient client, String lastEventId, Consumer<Event> onEvent, Consumer<Throwable> onError) {
        // No request timeout: the stream is meant to stay open; the connect timeout still applies.
        return new SseSubscription(client, this::request, lastEventId, reconnectDelay, onEvent, onError).start();
    }

    private HttpRequest request(String last) {
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
