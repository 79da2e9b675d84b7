package dev.wisp.node;

import dev.wisp.autoscaler.WakePath;
import dev.wisp.router.WaitedRequest;
import dev.wisp.runtime.WakeTimings;

/** The node's marks of one wake as it goes, from the deciding thread and the wake's thread. */
final class WakeMarks {
    final WakePath path;
    final long demandNanos;
    volatile long submittedNanos;
    volatile long threadNanos;
    volatile long doneNanos;
    volatile long routedNanos;
    volatile WakeTimings vm;

    /** @param demandNanos when the router's demand reached the node, or 0 */
    WakeMarks(WakePath path, long demandNanos) {
        this.path = path;
        this.demandNanos = demandNanos;
    }

    WakeTrace trace(WaitedRequest request) {
        return new WakeTrace(
                NodeMetrics.name(path), demandNanos, submittedNanos, threadNanos, doneNanos, routedNanos, vm, request);
    }
}
