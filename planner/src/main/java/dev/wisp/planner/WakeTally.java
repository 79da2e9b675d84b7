package dev.wisp.planner;

import dev.wisp.autoscaler.WakePath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts session starts by how their instance was found. Every wake through one path costs the
 * same given latency, so percentiles come exactly from the counts, without keeping a sample per
 * request.
 */
final class WakeTally {
    private final WakeLatencies latencies;
    private final long[] byPath = new long[WakePath.values().length];
    private long warm;

    WakeTally(WakeLatencies latencies) {
        this.latencies = latencies;
    }

    void warm() {
        warm++;
    }

    void woke(WakePath path) {
        byPath[path.ordinal()]++;
    }

    WakeStats stats() {
        Map<WakePath, Long> counts = new EnumMap<>(WakePath.class);
        long cold = 0;
        for (WakePath path : WakePath.values()) {
            counts.put(path, byPath[path.ordinal()]);
            cold += byPath[path.ordinal()];
        }
        List<double[]> wakes = new ArrayList<>();
        for (WakePath path : WakePath.values()) {
            wakes.add(new double[] {latencies.of(path), byPath[path.ordinal()]});
        }
        List<double[]> firstRequests = new ArrayList<>(wakes);
        firstRequests.add(new double[] {0, warm});
        return new WakeStats(
                warm + cold,
                warm,
                cold,
                counts,
                percentile(wakes, 0.50),
                percentile(wakes, 0.99),
                percentile(firstRequests, 0.50),
                percentile(firstRequests, 0.99));
    }

    /** Nearest-rank percentile of (latency, count) pairs; 0 when there are no samples. */
    static double percentile(List<double[]> latencyCounts, double p) {
        List<double[]> sorted = new ArrayList<>(latencyCounts);
        sorted.sort(Comparator.comparingDouble(lc -> lc[0]));
        double total = sorted.stream().mapToDouble(lc -> lc[1]).sum();
        if (total == 0) {
            return 0;
        }
        double rank = Math.ceil(p * total);
        double seen = 0;
        for (double[] lc : sorted) {
            seen += lc[1];
            if (seen >= rank && lc[1] > 0) {
                return lc[0];
            }
        }
        return sorted.getLast()[0];
    }
}
