package dev.wisp.planner;

/**
 * The same trace simulated without and with its bursts: what the bursts cost in servers.
 *
 * @param baseline   the trace without bursts
 * @param withBursts the trace as configured
 */
public record BurstComparison(SimulationReport baseline, SimulationReport withBursts) {

    /** Servers the bursts add for the instances serving users (may be 0 if they fell in a quiet hour). */
    public long extraServersForActive() {
        return withBursts.serversForActive() - baseline.serversForActive();
    }

    /** Servers the bursts add for every resident instance. */
    public long extraServersForResident() {
        return withBursts.serversForResident() - baseline.serversForResident();
    }
}
