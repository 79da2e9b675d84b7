package dev.wisp.autoscaler;

/**
 * What the {@link Autoscaler} wants now. Counts are absolute, never deltas, so acting on the same
 * decision twice is harmless.
 *
 * @param desiredInstances how many instances should be serving; never negative, and within the
 *                         configured minimum and maximum
 * @param panicking        whether the autoscaler is in panic mode (it never scales down then)
 * @param reason           the rule that set {@code desiredInstances}
 * @param stableAverage    the metric averaged over the stable window, for the whole service
 * @param panicAverage     the metric averaged over the panic window, for the whole service
 * @param detail           a one-line human explanation with the numbers, for logs and events
 */
public record ScaleDecision(
        int desiredInstances,
        boolean panicking,
        ScaleReason reason,
        double stableAverage,
        double panicAverage,
        String detail) {

    /** @throws IllegalArgumentException if {@code desiredInstances} is negative */
    public ScaleDecision {
        if (desiredInstances < 0) {
            throw new IllegalArgumentException("desiredInstances must be >= 0, was " + desiredInstances);
        }
        if (reason == null || detail == null) {
            throw new NullPointerException("reason and detail are required");
        }
    }
}
