package dev.wisp.bench;

import dev.wisp.cluster.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The cluster's real scheduler ({@link Placement}) on simulated nodes and services, no I/O: how
 * long a whole placement from nothing takes, and a steady pass where everything is placed already
 * (what the leader does on every change and every 2 s).
 */
public final class PlacementSimulation {
    /** vCPUs and memory of each simulated node. */
    static final int NODE_VCPUS = 64;

    static final long NODE_MEMORY_MIB = 256L * 1024;

    /**
     * @param instances instances asked for in total
     * @param placedInstances of them placed
     * @param firstPassMs one placement of every service from nothing
     * @param steadyPassMs one pass with every service placed already (median of the repeats)
     */
    public record Result(
            int nodes,
            int services,
            int instances,
            int placedInstances,
            int refusedServices,
            double firstPassMs,
            double steadyPassMs) {}

    private PlacementSimulation() {}

    /** {@code nodes} nodes, {@code services} services of 1 vCPU, 128-512 MiB and 1-3 instances each. */
    public static Result run(int nodes, int services, long seed) {
        if (nodes < 1 || services < 1) {
            throw new IllegalArgumentException("nodes and services must be at least 1");
        }
        Random random = new Random(seed);
        List<Placement.NodeRoom> rooms = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            rooms.add(new Placement.NodeRoom("n" + i, NODE_VCPUS, NODE_MEMORY_MIB, true));
        }
        List<Placement.Want> wants = new ArrayList<>();
        int instances = 0;
        for (int i = 0; i < services; i++) {
            int n = 1 + random.nextInt(3);
            instances += n;
            wants.add(new Placement.Want("s" + i, 1, 128 << random.nextInt(3), n, Set.of()));
        }
        Placement placement = new Placement();
        // warm the JIT on the same work, so the figures are the scheduler's, not the interpreter's
        for (int i = 0; i < 3; i++) {
            placement.place(rooms, wants, Map.of());
        }
        long t0 = System.nanoTime();
        Placement.Plan first = placement.place(rooms, wants, Map.of());
        double firstMs = (System.nanoTime() - t0) / 1e6;
        double[] steady = new double[5];
        for (int i = 0; i < steady.length; i++) {
            long t = System.nanoTime();
            placement.place(rooms, wants, first.assigned());
            steady[i] = (System.nanoTime() - t) / 1e6;
        }
        java.util.Arrays.sort(steady);
        int placed = first.assigned().values().stream()
                .flatMap(m -> m.values().stream())
                .mapToInt(Integer::intValue)
                .sum();
        return new Result(
                nodes, services, instances, placed, first.refused().size(), firstMs, steady[steady.length / 2]);
    }
}
