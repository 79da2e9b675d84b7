package dev.wisp.functions;

import java.time.Duration;

/**
 * How an asynchronous invocation is retried: up to {@code maxAttempts} attempts in all, waiting
 * {@code initialBackoff}, then twice as long each time, never more than {@code maxBackoff}.
 *
 * @param maxAttempts    attempts including the first, 1 to {@value #MAX_ATTEMPTS}
 * @param initialBackoff wait before the second attempt, at least 1 ms
 * @param maxBackoff     cap on any wait, at least {@code initialBackoff}
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final int MAX_ATTEMPTS = 10;
    /** 3 attempts, 1 s then 2 s apart, capped at 30 s (Lambda retries async events twice). */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("max attempts must be 1.." + MAX_ATTEMPTS + ", got " + maxAttempts);
        }
        if (initialBackoff == null || initialBackoff.toMillis() < 1) {
            throw new IllegalArgumentException("initial back-off must be at least 1 ms");
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("max back-off must be at least the initial back-off");
        }
    }

    /** Whether another attempt follows a failed attempt number {@code attempt} (1-based). */
    public boolean retriesAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** The wait after failed attempt number {@code attempt} (1-based): initial * 2^(attempt-1), capped. */
    public Duration backoffAfter(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        long ms = initialBackoff.toMillis();
        for (int i = 1; i < attempt && ms < maxBackoff.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
