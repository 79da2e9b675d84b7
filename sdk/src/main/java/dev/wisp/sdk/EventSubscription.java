package dev.wisp.sdk;

/** A live subscription to {@code GET /v1/events}; {@link #close()} ends it and its reconnects. */
public interface EventSubscription extends AutoCloseable {
    /** @return the id of the last event received (sent as {@code Last-Event-ID} on reconnect), or null before the first */
    String lastEventId();

    /** @return true while the subscription is connected to the stream */
    boolean connected();

    /** Stops receiving; no callback runs after this returns. Idempotent. */
    @Override
    void close();
}
