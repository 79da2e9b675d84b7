package dev.wisp.sdk;

/** An asynchronous function invocation; {@code state} is queued, running, succeeded, failed or dead. */
@ApiShape
public record Invocation(
        String id,
        String state,
        Integer attempts,
        Integer status,
        String body,
        String error,
        String function,
        Long durationMs,
        String createdAt,
        String callbackUrl,
        String callback) {}
