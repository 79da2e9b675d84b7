package dev.wisp.planner;

import dev.wisp.autoscaler.StandbyPolicy;
import java.util.Objects;

/**
 * What {@link Simulation} replays and on what hardware.
 *
 * @param trace              the workload
 * @param instancesPerServer microVMs one server holds; &gt;= 1
 * @param standby            how idle instances sink: paused, snapshotted, retired (Wisp's defaults:
 *                           {@link StandbyPolicy#defaults()})
 * @param latencies          what each wake path costs a waiting request
 * @param warmTemplates      whether every app has a warm template snapshot to clone (Wisp builds one
 *                           when a service is defined); without, a first start boots cold
 */
public record SimulationConfig(
        TraceConfig trace,
        int instancesPerServer,
        StandbyPolicy standby,
        WakeLatencies latencies,
        boolean warmTemplates) {

    /**
     * Most users the simulation lets be active at once (peak plus one burst): each active app holds
     * a real {@code Autoscaler} (about 2 KB) and costs tens of microseconds of CPU per session. The
     * closed form ({@link CapacityPlan}) has no such limit.
     */
    public static final int MAX_SIMULATED_ACTIVE = 100_000;

    /** @throws IllegalArgumentException naming the input, the rule and the value given */
    public SimulationConfig {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(standby, "standby");
        Objects.requireNonNull(latencies, "latencies");
        if (instancesPerServer < 1) {
            throw new IllegalArgumentException("instances per server must be >= 1, was " + instancesPerServer);
        }
        long simulated = (long) trace.peakActive() + (trace.hasBursts() ? trace.burstUsers() : 0);
        if (simulated > MAX_SIMULATED_ACTIVE) {
            throw new IllegalArgumentException("the simulation handles at most " + MAX_SIMULATED_ACTIVE
                    + " users active at once (peak plus one burst), asked for " + simulated
                    + "; use the closed form for larger numbers");
        }
    }

    /** The trace on {@code instancesPerServer}-instance servers, with Wisp's defaults for the rest. */
    public static SimulationConfig of(TraceConfig trace, int instancesPerServer) {
        return new SimulationConfig(
                trace, instancesPerServer, StandbyPolicy.defaults(), WakeLatencies.measured(), true);
    }

    /** This config with another trace. */
    public SimulationConfig withTrace(TraceConfig trace) {
        return new SimulationConfig(trace, instancesPerServer, standby, latencies, warmTemplates);
    }
}
