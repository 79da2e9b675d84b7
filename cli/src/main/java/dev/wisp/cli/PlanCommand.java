package dev.wisp.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.autoscaler.WakePath;
import dev.wisp.planner.BurstComparison;
import dev.wisp.planner.CapacityPlan;
import dev.wisp.planner.Simulation;
import dev.wisp.planner.SimulationConfig;
import dev.wisp.planner.SimulationReport;
import dev.wisp.planner.TraceConfig;
import dev.wisp.planner.WakeLatencies;
import dev.wisp.planner.WakeStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wisp plan}: how many servers a population of users needs with scale-to-zero versus
 * always-on. The closed form is the seed's arithmetic; {@code --simulate} replays a day of
 * synthetic traffic (diurnal curve, optional bursts) through the real autoscaler and standby
 * planner and reports what the instances actually occupied and the cold starts users met.
 */
@Command(
        name = "plan",
        description = "Servers needed with scale-to-zero vs always-on: closed form, or --simulate a day of traffic.")
final class PlanCommand extends OutputCommand implements Callable<Integer> {
    @Option(
            names = "--users",
            defaultValue = "1000000",
            description = "Users (apps, tenants), one microVM each (default: ${DEFAULT-VALUE}).")
    long users;

    @Option(
            names = "--active",
            defaultValue = "1000",
            description = "Most users active at the same moment (default: ${DEFAULT-VALUE}).")
    long active;

    @Option(
            names = "--per-server",
            defaultValue = "100",
            description = "MicroVMs one server holds (default: ${DEFAULT-VALUE}); ignored if --server-memory is given.")
    int perServer;

    @Option(
            names = "--server-memory",
            description = "Server memory for guests, MiB; with --instance-memory, sets the instances per server.")
    Long serverMemory;

    @Option(names = "--instance-memory", description = "Memory of one microVM, MiB; with --server-memory.")
    Long instanceMemory;

    @Option(
            names = "--simulate",
            description = "Also replay synthetic traffic through the real autoscaler and standby planner.")
    boolean simulate;

    @Option(
            names = "--hours",
            defaultValue = "24",
            description = "Simulated hours from midnight (default: ${DEFAULT-VALUE}).")
    double hours;

    @Option(
            names = "--peak-hour",
            defaultValue = "14",
            description = "Time of day of the peak, 0..24 (default: ${DEFAULT-VALUE}).")
    double peakHour;

    @Option(
            names = "--trough",
            defaultValue = "0.1",
            description = "Active users at the quietest hour, as a share of --active (default: ${DEFAULT-VALUE}).")
    double trough;

    @Option(names = "--session", defaultValue = "10m", description = "Mean session length (default: ${DEFAULT-VALUE}).")
    Duration session;

    @Option(
            names = "--burst-fraction",
            defaultValue = "0",
            description = "Share of all users a burst makes active at once, 0.0..1 (default: ${DEFAULT-VALUE}).")
    double burstFraction;

    @Option(
            names = "--bursts",
            defaultValue = "1",
            description = "Bursts at random times of the simulated period (default: ${DEFAULT-VALUE}).")
    int bursts;

    @Option(
            names = "--burst-length",
            defaultValue = "60s",
            description = "How long a burst's users stay active (default: ${DEFAULT-VALUE}).")
    Duration burstLength;

    @Option(
            names = "--snapshot-after",
            defaultValue = "60s",
            description =
                    "Idle time before a paused instance is snapshotted and its memory freed (default: ${DEFAULT-VALUE}).")
    Duration snapshotAfter;

    @Option(names = "--no-templates", description = "Apps have no warm template: first starts boot cold.")
    boolean noTemplates;

    @Option(
            names = "--resume-ms",
            defaultValue = "24.2",
            description = "Wake latency from paused (default: ${DEFAULT-VALUE}, README wake benchmark).")
    double resumeMs;

    @Option(
            names = "--restore-ms",
            defaultValue = "283.8",
            description = "Wake latency from a snapshot (default: ${DEFAULT-VALUE}, README wake benchmark).")
    double restoreMs;

    @Option(
            names = "--clone-ms",
            defaultValue = "180.4",
            description = "Wake latency cloning the warm template (default: ${DEFAULT-VALUE}, README wake benchmark).")
    double cloneMs;

    @Option(
            names = "--cold-ms",
            defaultValue = "1733.8",
            description = "Wake latency of a cold boot (default: ${DEFAULT-VALUE}, README wake benchmark).")
    double coldMs;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Random seed of the synthetic traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        int instancesPerServer = instancesPerServer();
        CapacityPlan plan = new CapacityPlan(users, active, instancesPerServer);
        if (!(burstFraction >= 0 && burstFraction <= 1)) {
            throw new IllegalArgumentException("--burst-fraction must be in [0, 1], was " + burstFraction);
        }
        long burstUsers = Math.round(burstFraction * users);
        // Worst case of the closed form: a burst lands on the peak.
        CapacityPlan burstAtPeak = burstUsers > 0 && bursts > 0
                ? new CapacityPlan(users, Math.min(users, active + burstUsers), instancesPerServer)
                : null;
        BurstComparison comparison = null;
        SimulationReport simulated = null;
        if (simulate) {
            SimulationConfig config = simulationConfig(instancesPerServer);
            if (config.trace().hasBursts()) {
                comparison = Simulation.compareBursts(config);
                simulated = comparison.baseline();
            } else {
                simulated = Simulation.run(config);
            }
        }
        if (json.on) {
            out().println(ImageCommand.JSON.writeValueAsString(toJson(plan, burstAtPeak, simulated, comparison)));
        } else {
            printPlan(plan, burstAtPeak);
            if (simulated != null) {
                printSimulation(simulated, comparison);
            }
        }
        out().flush();
        return 0;
    }

    private int instancesPerServer() {
        if ((serverMemory == null) != (instanceMemory == null)) {
            throw new IllegalArgumentException("--server-memory and --instance-memory go together");
        }
        return serverMemory != null ? CapacityPlan.instancesPerServer(serverMemory, instanceMemory) : perServer;
    }

    private SimulationConfig simulationConfig(int instancesPerServer) {
        if (users > TraceConfig.MAX_USERS) {
            throw new IllegalArgumentException("--simulate handles at most " + TraceConfig.MAX_USERS + " users, was "
                    + users + "; the closed form has no limit");
        }
        TraceConfig trace = TraceConfig.of((int) users, (int) active)
                .withWindow(hours, 0)
                .withCurve(peakHour, trough)
                .withMeanSession(session)
                .withBursts(burstFraction, bursts, burstLength)
                .withSeed(seed);
        StandbyPolicy standby = new StandbyPolicy(
                StandbyMode.SNAPSHOT,
                StandbyPolicy.DEFAULT_PAUSE_AFTER,
                snapshotAfter,
                StandbyPolicy.DEFAULT_RETIRE_AFTER);
        return new SimulationConfig(
                trace,
                instancesPerServer,
                standby,
                new WakeLatencies(resumeMs, restoreMs, cloneMs, coldMs),
                !noTemplates);
    }

    private void printPlan(CapacityPlan plan, CapacityPlan burstAtPeak) {
        say(
                "Capacity plan: %,d users, at most %,d active at once, %,d microVMs per server",
                plan.users(), plan.peakActive(), plan.instancesPerServer());
        say("  scale-to-zero  %,9d servers   (instances for the active users only)", plan.serversScaleToZero());
        say("  always-on      %,9d servers   (every user's instance resident)", plan.serversAlwaysOn());
        if (burstAtPeak != null) {
            say(
                    "  a burst of %,d users (%s of all) landing on the peak: %,d servers",
                    burstAtPeak.peakActive() - plan.peakActive(),
                    percent(burstFraction),
                    burstAtPeak.serversScaleToZero());
        }
    }

    private void printSimulation(SimulationReport day, BurstComparison comparison) {
        say("");
        say(
                "Simulated %s h from midnight (seed %d): peak at %02d:%02d, trough %s of it, mean session %s;"
                        + " every app through the real Autoscaler and StandbyPlanner, snapshot after %s",
                number(hours),
                seed,
                (int) peakHour,
                Math.round(peakHour * 60) % 60,
                percent(trough),
                human(session),
                human(snapshotAfter));
        printPeaks(day);
        printWakes(day.wakes());
        if (comparison != null) {
            SimulationReport bursty = comparison.withBursts();
            say("");
            say(
                    "With %d burst(s) of %s of users (%,d) for %s:",
                    bursty.bursts(), percent(burstFraction), Math.round(burstFraction * users), human(burstLength));
            printPeaks(bursty);
            printWakes(bursty.wakes());
            say(
                    "  bursts add %+,d servers for the active users (%,d -> %,d) and %+,d counting resident memory (%,d -> %,d)",
                    comparison.extraServersForActive(),
                    day.serversForActive(),
                    bursty.serversForActive(),
                    comparison.extraServersForResident(),
                    day.serversForResident(),
                    bursty.serversForResident());
        }
    }

    private void printPeaks(SimulationReport r) {
        say(
                "  peak active users        %,9d  at %s",
                r.activeUsers().count(), r.activeUsers().at());
        say(
                "  peak serving instances   %,9d  -> %,d servers with scale-to-zero",
                r.serving().count(), r.serversForActive());
        say(
                "  peak running instances   %,9d  (serving, or idle and not yet paused)",
                r.running().count());
        say(
                "  peak resident instances  %,9d  -> %,d servers counting paused instances' memory, at %s",
                r.resident().count(), r.serversForResident(), r.resident().at());
        say("  always-on                %,9d  -> %,d servers", r.users(), r.serversAlwaysOn());
    }

    private void printWakes(WakeStats w) {
        say(
                "  sessions %,d: %,d found their instance running, %,d cold starts (resume %,d, restore %,d, clone %,d, cold boot %,d)",
                w.sessions(),
                w.warmStarts(),
                w.coldStarts(),
                w.count(WakePath.RESUME_PAUSED),
                w.count(WakePath.RESTORE_SNAPSHOT),
                w.count(WakePath.CLONE_TEMPLATE),
                w.count(WakePath.COLD_BOOT));
        say(
                "  cold-start wait p50 %s ms, p99 %s ms; first request of any session p50 %s ms, p99 %s ms",
                number(w.wakeP50Ms()),
                number(w.wakeP99Ms()),
                number(w.firstRequestP50Ms()),
                number(w.firstRequestP99Ms()));
    }

    private Map<String, Object> toJson(
            CapacityPlan plan, CapacityPlan burstAtPeak, SimulationReport simulated, BurstComparison comparison) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("closedForm", ClosedForm.of(plan, burstAtPeak));
        if (simulated != null) {
            result.put("simulation", simulated);
            result.put("wakeLatencyMs", new WakeLatencies(resumeMs, restoreMs, cloneMs, coldMs));
        }
        if (comparison != null) {
            result.put("withBursts", comparison.withBursts());
            result.put("extraServersForActive", comparison.extraServersForActive());
            result.put("extraServersForResident", comparison.extraServersForResident());
        }
        return result;
    }

    /** The closed form's figures in {@code --json}; {@code serversWithBurstAtPeak} only with bursts. */
    record ClosedForm(
            long users,
            long peakActive,
            int instancesPerServer,
            long serversScaleToZero,
            long serversAlwaysOn,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long serversWithBurstAtPeak) {
        static ClosedForm of(CapacityPlan plan, CapacityPlan burstAtPeak) {
            return new ClosedForm(
                    plan.users(),
                    plan.peakActive(),
                    plan.instancesPerServer(),
                    plan.serversScaleToZero(),
                    plan.serversAlwaysOn(),
                    burstAtPeak == null ? null : burstAtPeak.serversScaleToZero());
        }
    }

    private void say(String format, Object... args) {
        out().println(String.format(Locale.ROOT, format, args));
    }

    /** 10m, 60s -> 1m, 1h30m. */
    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private static String percent(double share) {
        return number(share * 100) + " %";
    }

    /** A number without trailing zeros: 24, 0.2, 283.8. */
    private static String number(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
