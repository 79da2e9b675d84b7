package dev.wisp.bench;

import dev.wisp.bench.DensityBenchmark.Wakes;
import dev.wisp.node.Node;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The density benchmark's last stage: one HTTP request through the router to each service on
 * snapshot standby, client-timed, with a progress line every 100 (a run of 10,000 is long).
 */
final class StandbyWakes {
    /**
     * Wakes at once after the first: each is a VMM start and a request, so two cores take a few
     * side by side; each waits for the others' CPU, so latencies are of a host waking this many.
     */
    static final int WAKES_IN_FLIGHT = 3;

    private final Node node;
    private final int services;
    private final Consumer<String> progress;
    private final Consumer<String> beforeRemoval;

    /**
     * @param beforeRemoval told each service's name after its answer, before the service is removed
     */
    StandbyWakes(Node node, int services, Consumer<String> progress, Consumer<String> beforeRemoval) {
        this.node = node;
        this.services = services;
        this.progress = progress;
        this.beforeRemoval = beforeRemoval;
    }

    /**
     * One request to each standby service, the first alone, then {@link #WAKES_IN_FLIGHT} at a
     * time; each service is removed by its waker once it answered, before its instance (its policy
     * sinks idle ones at once) is snapshotted again. Latencies are kept in the order the services
     * were deployed.
     */
    Wakes run() {
        long t0 = System.nanoTime();
        int n = services;
        double[] ms = new double[n];
        Arrays.fill(ms, Double.NaN);
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService wakers = Executors.newFixedThreadPool(WAKES_IN_FLIGHT)) {
            for (int i = 0; i < n; i++) {
                int index = i;
                Runnable wake = () -> {
                    String name = DensityStages.PREFIX + "s" + (index + 1);
                    try {
                        double took = HttpProbe.timeGet(node.routerPort(), name + ".localhost", "/") / 1e6;
                        synchronized (ms) {
                            ms[index] = took;
                        }
                    } catch (IOException e) {
                        progress.accept(name + ": " + e.getMessage());
                    }
                    beforeRemoval.accept(name);
                    node.remove(name);
                    int d = done.incrementAndGet();
                    if (d == 1 || d % 100 == 0) {
                        progress.accept(wakesSoFar(ms, d, t0));
                    }
                };
                if (i == 0) {
                    wake.run(); // the first wake alone: nothing else on the host is waking
                } else {
                    wakers.submit(wake);
                }
            }
        }
        List<Double> answered =
                Arrays.stream(ms).filter(v -> !Double.isNaN(v)).boxed().toList();
        List<Double> sorted = answered.stream().sorted().toList();
        return new Wakes(
                answered.size(),
                n - answered.size(),
                at(answered, 0),
                at(answered, 99),
                at(answered, answered.size() - 1),
                DensityStages.round(Stats.median(answered.isEmpty() ? List.of(0.0) : answered)),
                quantile(sorted, 0.90),
                quantile(sorted, 0.99),
                DensityStages.round((System.nanoTime() - t0) / 1e9),
                WAKES_IN_FLIGHT);
    }

    /** How the wakes are going: a run of 10,000 is long, so a person watching sees the latencies. */
    private static String wakesSoFar(double[] ms, int done, long t0) {
        List<Double> sorted;
        synchronized (ms) {
            sorted = Arrays.stream(ms)
                    .filter(v -> !Double.isNaN(v))
                    .sorted()
                    .boxed()
                    .toList();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return String.format(
                Locale.ROOT,
                "wakes: %d done, %d answered in %.1f s (%.2f/s); so far median %.1f, p90 %.1f, p99 %.1f ms",
                done,
                sorted.size(),
                seconds,
                done / seconds,
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2),
                quantile(sorted, 0.90),
                quantile(sorted, 0.99));
    }

    private static double at(List<Double> ms, int i) {
        return ms.isEmpty() ? 0 : DensityStages.round(ms.get(Math.min(i, ms.size() - 1)));
    }

    private static double quantile(List<Double> sorted, double q) {
        return sorted.isEmpty()
                ? 0
                : DensityStages.round(sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)));
    }
}
