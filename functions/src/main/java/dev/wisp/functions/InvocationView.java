package dev.wisp.functions;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An invocation as the API shows it (docs/api.md) and as a callback receives it: no request payload.
 * {@code body}, {@code error} and {@code callback} are always written, {@code null} when there is none;
 * {@code callbackUrl} only when the caller gave one.
 *
 * @param state      queued, running, succeeded, failed or dead
 * @param status     HTTP status of the last attempt that got an answer, 0 if none did
 * @param durationMs time from acceptance to the final state, 0 until then
 * @param createdAt  when it was accepted (ISO-8601)
 * @param callback   {@code delivered}, {@code not delivered}, or null while there is none or it is under way
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvocationView(
        String id,
        String function,
        String state,
        int attempts,
        int status,
        @JsonInclude(JsonInclude.Include.ALWAYS) String body,
        @JsonInclude(JsonInclude.Include.ALWAYS) String error,
        long durationMs,
        String createdAt,
        String callbackUrl,
        @JsonInclude(JsonInclude.Include.ALWAYS) String callback) {

    /** The same invocation under another function name (the control plane shows the tenant's name, not the node key). */
    public InvocationView withFunction(String name) {
        return new InvocationView(
                id, name, state, attempts, status, body, error, durationMs, createdAt, callbackUrl, callback);
    }
}
