package dev.wisp.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polls: tests wait for a state, never for a fixed time. */
public final class Await {
    private static final long POLL_MILLIS = 50;

    private Await() {}

    /**
     * Returns once {@code condition} holds, polling every 50 ms.
     *
     * @throws AssertionError "timed out after N s waiting for WHAT" once {@code timeout} has passed
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        until(timeout, Duration.ofMillis(POLL_MILLIS), what, condition);
    }

    /** {@link #until(Duration, String, BooleanSupplier)} polling every {@code every} (for conditions that cost a request). */
    public static void until(Duration timeout, Duration every, String what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(every.toMillis());
        }
    }
}
