package dev.wisp.functions;

import java.util.concurrent.Semaphore;

/**
 * A function's reserved concurrency: at most {@code limit} invocations (sync and async together)
 * run at once. Synchronous calls past it are refused (429); async ones wait in their queue.
 */
final class ConcurrencyLimit {
    private final int limit;
    private final Semaphore permits;

    ConcurrencyLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("reserved concurrency must be at least 1, got " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** Takes a slot if one is free; the caller must {@link #release()} it. */
    boolean tryAcquire() {
        return permits.tryAcquire();
    }

    void release() {
        permits.release();
    }

    int limit() {
        return limit;
    }

    int inFlight() {
        return limit - permits.availablePermits();
    }
}
