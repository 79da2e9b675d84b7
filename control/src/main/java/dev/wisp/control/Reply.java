package dev.wisp.control;

import java.nio.charset.StandardCharsets;

/**
 * What a handler answers. {@code streamTenant} non-null means: keep the connection and stream that
 * tenant's events (server-sent events) after {@code streamAfter}. {@code follow} non-null means:
 * send {@code body} as the first chunk, then keep the connection and send what {@code follow} gives.
 */
record Reply(int status, String contentType, byte[] body, String streamTenant, long streamAfter, Follow follow) {
    /** A stream of text chunks after the body: starts it, returns what stops it. Chunks must come quickly. */
    @FunctionalInterface
    interface Follow {
        Runnable start(java.util.function.Consumer<String> chunks);
    }

    Reply(int status, String contentType, byte[] body, String streamTenant, long streamAfter) {
        this(status, contentType, body, streamTenant, streamAfter, null);
    }

    static Reply follow(String contentType, String first, Follow follow) {
        return new Reply(200, contentType, first.getBytes(StandardCharsets.UTF_8), null, 0, follow);
    }

    static final String JSON = "application/json; charset=utf-8";

    static Reply json(int status, Object value) {
        return new Reply(status, JSON, Json.bytes(value), null, 0);
    }

    static Reply noContent() {
        return new Reply(204, null, new byte[0], null, 0);
    }

    static Reply text(int status, String contentType, String text) {
        return new Reply(status, contentType, text.getBytes(StandardCharsets.UTF_8), null, 0);
    }

    static Reply bytes(String contentType, byte[] bytes) {
        return new Reply(200, contentType, bytes, null, 0);
    }

    static Reply events(String tenant, long after) {
        return new Reply(200, "text/event-stream", new byte[0], tenant, after);
    }

    static Reply error(ApiException e) {
        return json(e.status(), new Shapes.ErrorBody(new Shapes.ErrorDetail(e.code(), e.getMessage())));
    }
}
