package dev.wisp.sdk;

/**
 * One call in {@code GET /v1/functions/{name}/logs}.
 *
 * @param mode    {@code sync} or {@code async}
 * @param status  the final HTTP status (429 refused, 0 no answer)
 * @param outcome {@code ok}, {@code error}, {@code rejected} or {@code dead}
 * @param atMs    when it ended, epoch milliseconds
 */
@ApiShape
public record InvocationLogEntry(
        String id, String mode, Integer attempts, Integer status, String outcome, Long durationMs, Long atMs) {}
