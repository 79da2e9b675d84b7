package dev.wisp.sdk;

/**
 * How a function's async invocations are retried: {@code maxAttempts} in all (1-10), waiting
 * {@code initialBackoff} (e.g. {@code 1s}), doubled each time, at most {@code maxBackoff}.
 */
@ApiShape
public record RetrySettings(Integer maxAttempts, String initialBackoff, String maxBackoff) {}
