package dev.wisp.common;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A bounded wait where an interrupt ends the wait rather than the caller: for closers that wait
 * for an executor ({@code executor::awaitTermination}) or a process ({@code process::waitFor}).
 */
public final class BoundedWait {
    private BoundedWait() {}

    /** A wait with a time limit, in the JDK's shape: true when the awaited thing is done. */
    @FunctionalInterface
    public interface Until {
        boolean await(long timeout, TimeUnit unit) throws InterruptedException;
    }

    /**
     * Waits up to {@code limit}; an interrupt ends the wait and stays set on the thread.
     *
     * @return whether the awaited thing was done in time
     */
    public static boolean await(Until until, Duration limit) {
        try {
            return until.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
