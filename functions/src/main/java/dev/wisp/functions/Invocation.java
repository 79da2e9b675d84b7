package dev.wisp.functions;

import java.util.Locale;
import java.util.Map;

/**
 * An asynchronous invocation as kept in the state store (one JSON value per invocation).
 *
 * @param id            {@code inv_...}
 * @param function      the function's name
 * @param state         where it is
 * @param attempts      attempts started so far
 * @param status        HTTP status of the last attempt that got an answer, 0 if none did
 * @param body          the successful answer's body as text (at most {@value Functions#MAX_STORED_RESULT} bytes)
 * @param error         why the last attempt failed, or null
 * @param method        request method
 * @param path          request path and query
 * @param headers       request headers
 * @param requestBody   request body, base64
 * @param callbackUrl   where the result is POSTed when done, or null
 * @param callback      "delivered" (the receiver answered 2xx), "not delivered" (anything else: the platform's log
 *                      says why), or null while there is none or it is under way
 * @param createdAtMs   when it was accepted (epoch ms)
 * @param updatedAtMs   last change (epoch ms)
 * @param durationMs    time from acceptance to the final state, 0 until then
 */
public record Invocation(
        String id,
        String function,
        State state,
        int attempts,
        int status,
        String body,
        String error,
        String method,
        String path,
        Map<String, String> headers,
        String requestBody,
        String callbackUrl,
        String callback,
        long createdAtMs,
        long updatedAtMs,
        long durationMs) {
    /** Where an invocation is. */
    public enum State {
        /** Waiting for its first attempt. */
        QUEUED,
        /** An attempt is under way. */
        RUNNING,
        /** The function answered (any status below 500). */
        SUCCEEDED,
        /** An attempt failed; another follows after a back-off. */
        FAILED,
        /** Every attempt failed: the invocation is in the dead-letter list. */
        DEAD;

        /** Whether nothing more will happen to it. */
        public boolean isFinal() {
            return this == SUCCEEDED || this == DEAD;
        }
    }

    public Invocation {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    Invocation with(State newState, int newAttempts, int newStatus, String newBody, String newError, long now) {
        long duration = newState.isFinal() ? now - createdAtMs : 0;
        return new Invocation(
                id,
                function,
                newState,
                newAttempts,
                newStatus,
                newBody,
                newError,
                method,
                path,
                headers,
                requestBody,
                callbackUrl,
                callback,
                createdAtMs,
                now,
                duration);
    }

    Invocation withCallback(String result, long now) {
        return new Invocation(
                id,
                function,
                state,
                attempts,
                status,
                body,
                error,
                method,
                path,
                headers,
                requestBody,
                callbackUrl,
                result,
                createdAtMs,
                now,
                durationMs);
    }

    /** The API's view (docs/api.md): no request payload. */
    public InvocationView toApi() {
        return new InvocationView(
                id,
                function,
                state.name().toLowerCase(Locale.ROOT),
                attempts,
                status,
                body,
                error,
                durationMs,
                java.time.Instant.ofEpochMilli(createdAtMs).toString(),
                callbackUrl,
                callback);
    }
}
