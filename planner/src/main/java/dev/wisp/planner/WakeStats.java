package dev.wisp.planner;

import dev.wisp.autoscaler.WakePath;
import java.util.Map;

/**
 * How sessions found their user's instance, and what waking it cost them.
 *
 * @param sessions          sessions started: {@code warmStarts + coldStarts}
 * @param warmStarts        sessions whose instance was running: no wait
 * @param coldStarts        sessions that had to wake an instance, by any path
 * @param byPath            cold starts by wake path; they add up to {@code coldStarts}
 * @param wakeP50Ms         median wait of a cold start
 * @param wakeP99Ms         99th percentile wait of a cold start
 * @param firstRequestP50Ms median wait over all sessions' first requests (warm ones wait 0)
 * @param firstRequestP99Ms 99th percentile of the same
 */
public record WakeStats(
        long sessions,
        long warmStarts,
        long coldStarts,
        Map<WakePath, Long> byPath,
        double wakeP50Ms,
        double wakeP99Ms,
        double firstRequestP50Ms,
        double firstRequestP99Ms) {

    /** The number of cold starts through {@code path}. */
    public long count(WakePath path) {
        return byPath.getOrDefault(path, 0L);
    }
}
