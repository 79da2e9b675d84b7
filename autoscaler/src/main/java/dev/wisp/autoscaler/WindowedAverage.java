package dev.wisp.autoscaler;

import java.util.Arrays;

/**
 * A time-weighted average of samples over a sliding window, in one-second buckets (as Knative's
 * timed buckets). Several samples in the same second are averaged, so a router that samples more
 * often than once a second does not weigh that second more. A second with no sample counts as
 * zero: the router samples at least once a second while there is traffic, so silence means idle.
 *
 * <p>Not thread-safe; the {@link Autoscaler} guards it.
 */
final class WindowedAverage {
    private static final long NONE = Long.MIN_VALUE;

    private final int capacity;
    private final long[] second;
    private final double[] sum;
    private final int[] count;
    /** First second of the current run of data; the average never reaches back before it. */
    private long firstSecond = NONE;

    private long lastSecond = NONE;

    /** @param capacitySeconds the longest window that will be asked for */
    WindowedAverage(int capacitySeconds) {
        if (capacitySeconds < 1) {
            throw new IllegalArgumentException("capacitySeconds must be >= 1, was " + capacitySeconds);
        }
        capacity = capacitySeconds;
        second = new long[capacitySeconds];
        Arrays.fill(second, NONE);
        sum = new double[capacitySeconds];
        count = new int[capacitySeconds];
    }

    /** Adds a sample taken at {@code epochSecond}; samples older than the window are dropped. */
    void add(long epochSecond, double value) {
        if (lastSecond != NONE && epochSecond <= lastSecond - capacity) {
            return;
        }
        // After a silence longer than the window, nothing of the old run is left: start afresh so
        // a new run is averaged over its own length, not diluted by seconds before it began.
        if (lastSecond == NONE || epochSecond - lastSecond >= capacity) {
            firstSecond = epochSecond;
        }
        firstSecond = Math.min(firstSecond, epochSecond);
        lastSecond = lastSecond == NONE ? epochSecond : Math.max(lastSecond, epochSecond);
        int i = index(epochSecond);
        if (second[i] != epochSecond) {
            second[i] = epochSecond;
            sum[i] = 0;
            count[i] = 0;
        }
        sum[i] += value;
        count[i]++;
    }

    /**
     * The average over the {@code windowSeconds} seconds ending at {@code nowSecond}, counting
     * only seconds since this run of data began (a young service is not diluted by time before its
     * first sample). While the current second has no sample but the previous one has, the window
     * ends at the previous second instead: the router has simply not reported yet, and counting
     * the second as idle would bias every tick low.
     */
    double average(long nowSecond, int windowSeconds) {
        if (windowSeconds < 1 || windowSeconds > capacity) {
            throw new IllegalArgumentException("windowSeconds must be in [1, " + capacity + "], was " + windowSeconds);
        }
        if (lastSecond == NONE) {
            return 0;
        }
        long end = lastSecond == nowSecond - 1 ? lastSecond : nowSecond;
        long start = Math.max(end - windowSeconds + 1, firstSecond);
        if (lastSecond < start || end < start) {
            return 0;
        }
        double total = 0;
        for (long s = start; s <= end; s++) {
            int n = bucketCount(s);
            if (n > 0) {
                total += sum[index(s)] / n;
            }
        }
        return total / (end - start + 1);
    }

    private int bucketCount(long epochSecond) {
        int i = index(epochSecond);
        return second[i] == epochSecond ? count[i] : 0;
    }

    private int index(long epochSecond) {
        return (int) Math.floorMod(epochSecond, (long) capacity);
    }
}
