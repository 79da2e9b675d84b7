package dev.wisp.planner;

import java.util.Objects;

/**
 * Replays a synthetic {@link TraceConfig trace} through Wisp's real {@code Autoscaler} and
 * {@code StandbyPlanner}, one autoscaler per app that is awake, on a simulated clock, and reports
 * the servers the instances occupied at the busiest second, with scale-to-zero and always-on, and
 * the cold starts users met.
 *
 * <p>Single-threaded and deterministic: the same config gives the same report. A day of a million
 * users with a thousand active at the peak takes a few seconds of one core.
 */
public final class Simulation {
    private Simulation() {}

    /** Simulates {@code config}. */
    public static SimulationReport run(SimulationConfig config) {
        return new Replay(Objects.requireNonNull(config, "config")).run();
    }

    /**
     * Simulates {@code config} twice, without its bursts and with them, so the difference is what
     * the bursts cost. The diurnal traffic is the same in both.
     */
    public static BurstComparison compareBursts(SimulationConfig config) {
        Objects.requireNonNull(config, "config");
        SimulationReport baseline = run(config.withTrace(config.trace().withoutBursts()));
        return new BurstComparison(baseline, run(config));
    }
}
