package dev.wisp.planner;

/**
 * What a {@link Simulation} saw.
 *
 * <p>Two server counts for scale-to-zero, because instances occupy memory for two reasons:
 * <ul>
 *   <li>{@code serversForActive}: servers for the instances serving a user at the busiest second.
 *       This is the seed's "capacity for the concurrently active users", measured;</li>
 *   <li>{@code serversForResident}: servers for every instance holding memory at the busiest
 *       second, including those whose user just left and that are still running (until
 *       {@code pauseAfter}) or paused (until {@code snapshotAfter}). The standby policy buys fast
 *       returns (a 24 ms resume instead of a 284 ms restore) with this memory; a shorter
 *       {@code snapshotAfter} brings it down to the first number.</li>
 * </ul>
 *
 * @param users              users in the trace
 * @param hours              simulated hours
 * @param instancesPerServer microVMs one server holds
 * @param burstFraction      share of all users one burst made active; 0 without bursts
 * @param bursts             bursts in the trace
 * @param activeUsers        peak of users in a session at the same second
 * @param serving            peak of instances serving a request
 * @param running            peak of running instances (serving, or idle and not yet paused)
 * @param resident           peak of instances holding memory: running plus paused
 * @param serversForActive   {@code ceil(serving / instancesPerServer)}
 * @param serversForResident {@code ceil(resident / instancesPerServer)}
 * @param serversAlwaysOn    {@code ceil(users / instancesPerServer)}: every user's instance kept running
 * @param wakes              session starts, cold starts by path, and their latency
 * @param peakAwakeApps      most apps that held an autoscaler at once (the rest were asleep or never came)
 * @param autoscalersCreated autoscalers created over the run (one per app wake-up from asleep)
 */
public record SimulationReport(
        int users,
        double hours,
        int instancesPerServer,
        double burstFraction,
        int bursts,
        Peak activeUsers,
        Peak serving,
        Peak running,
        Peak resident,
        long serversForActive,
        long serversForResident,
        long serversAlwaysOn,
        WakeStats wakes,
        int peakAwakeApps,
        long autoscalersCreated) {}
