package dev.wisp.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.autoscaler.WakePath;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulationTest {
    /** The seed: 1 M users, at most 1,000 active, 100 per server; a day, plus 3 bursts of 0.2 % of users. */
    private static final SimulationConfig SEED_WITH_BURSTS =
            SimulationConfig.of(TraceConfig.of(1_000_000, 1_000).withBursts(0.002, 3, Duration.ofSeconds(60)), 100);
    /** Both runs of the seed day, shared: each takes a second or two. */
    private static BurstComparison seedDay;

    private static synchronized BurstComparison seedDay() {
        if (seedDay == null) {
            seedDay = Simulation.compareBursts(SEED_WITH_BURSTS);
        }
        return seedDay;
    }

    /** Small enough to tick every app every second: 30 minutes, 20 active of 2,000, short standby. */
    private static SimulationConfig small() {
        TraceConfig trace = new TraceConfig(
                2_000, 20, 0.5, 13.5, 14, 0.1, Duration.ofSeconds(45), 0.005, 2, Duration.ofSeconds(20), 4, 7);
        StandbyPolicy quick = new StandbyPolicy(
                StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofMinutes(5));
        return new SimulationConfig(trace, 10, quick, WakeLatencies.measured(), true);
    }

    @Test
    void seedParameters_needTenServersForTheActiveUsersAndTenThousandAlwaysOn() {
        SimulationReport day = seedDay().baseline();

        assertThat(day.activeUsers().count()).isEqualTo(1_000);
        assertThat(day.serving().count()).isEqualTo(1_000);
        assertThat(day.serversForActive()).isEqualTo(10);
        assertThat(day.serversAlwaysOn()).isEqualTo(10_000);
        // Instances whose user just left stay running for pauseAfter (1 s) and resident while paused
        // for snapshotAfter (60 s): about 60 s of session ends (1,000 / 600 s each second) on top.
        assertThat(day.running().count()).isBetween(1_000, 1_020);
        assertThat(day.resident().count()).isBetween(1_050, 1_200);
        assertThat(day.serversForResident())
                .isEqualTo(CapacityPlan.servers(day.resident().count(), 100));
        // Only the apps that were recently active hold an autoscaler.
        assertThat(day.peakAwakeApps()).isLessThan(2_000);
    }

    @Test
    void bursts_raiseTheServersNeededAndTheComparisonSaysByHowMuch() {
        BurstComparison comparison = seedDay();
        SimulationReport bursty = comparison.withBursts();

        // 2,000 users at once on top of at least the 100 of the quietest hour.
        assertThat(bursty.activeUsers().count()).isGreaterThanOrEqualTo(2_100);
        assertThat(bursty.serversForActive()).isGreaterThanOrEqualTo(21);
        assertThat(comparison.extraServersForActive())
                .isEqualTo(bursty.serversForActive() - comparison.baseline().serversForActive())
                .isGreaterThanOrEqualTo(11);
        assertThat(bursty.wakes().sessions())
                .isGreaterThanOrEqualTo(comparison.baseline().wakes().sessions() + 6_000);
    }

    @Test
    void coldStartCounts_addUpToTheSessions() {
        for (SimulationReport report : new SimulationReport[] {seedDay().baseline(), Simulation.run(small())}) {
            WakeStats wakes = report.wakes();
            long byPath =
                    wakes.byPath().values().stream().mapToLong(Long::longValue).sum();

            assertThat(byPath).isEqualTo(wakes.coldStarts());
            assertThat(wakes.warmStarts() + wakes.coldStarts()).isEqualTo(wakes.sessions());
        }
    }

    @Test
    void smallTrace_usesEveryWakePathAndLatenciesComeFromTheGivenTable() {
        SimulationReport report = Simulation.run(small());
        WakeStats wakes = report.wakes();

        assertThat(wakes.count(WakePath.RESUME_PAUSED)).isPositive();
        assertThat(wakes.count(WakePath.RESTORE_SNAPSHOT)).isPositive();
        assertThat(wakes.count(WakePath.CLONE_TEMPLATE)).isPositive();
        assertThat(wakes.count(WakePath.COLD_BOOT)).isZero();
        assertThat(wakes.wakeP50Ms()).isIn(24.2, 283.8, 180.4);
        assertThat(wakes.wakeP99Ms()).isIn(283.8, 180.4);
    }

    @Test
    void withoutTemplates_firstStartsBootCold() {
        SimulationConfig noTemplates =
                new SimulationConfig(small().trace(), 10, small().standby(), new WakeLatencies(1, 2, 3, 4000), false);

        WakeStats wakes = Simulation.run(noTemplates).wakes();

        assertThat(wakes.count(WakePath.CLONE_TEMPLATE)).isZero();
        assertThat(wakes.count(WakePath.COLD_BOOT)).isPositive();
        assertThat(wakes.wakeP99Ms()).isEqualTo(4000);
    }

    @Test
    void shortcuts_giveTheSameReportAsAskingEveryAppEveryTick() {
        SimulationReport fast = new Replay(small()).run();
        SimulationReport exhaustive = new Replay(small(), true).run();

        assertThat(fast.wakes()).isEqualTo(exhaustive.wakes());
        assertThat(fast.activeUsers()).isEqualTo(exhaustive.activeUsers());
        assertThat(fast.serving()).isEqualTo(exhaustive.serving());
        assertThat(fast.running()).isEqualTo(exhaustive.running());
        assertThat(fast.resident()).isEqualTo(exhaustive.resident());
        assertThat(fast.peakAwakeApps()).isLessThan(exhaustive.peakAwakeApps());
    }

    @Test
    void sameConfig_givesTheSameReport() {
        assertThat(Simulation.run(small())).isEqualTo(Simulation.run(small()));
    }

    @Test
    void badInputs_areRejectedNamingTheInput() {
        TraceConfig seed = TraceConfig.of(1_000_000, 1_000);
        assertThatThrownBy(() -> SimulationConfig.of(seed, 0)).hasMessage("instances per server must be >= 1, was 0");
        assertThatThrownBy(() -> SimulationConfig.of(seed.withBursts(0.2, 1, Duration.ofSeconds(60)), 100))
                .hasMessage("the simulation handles at most 100000 users active at once (peak plus one burst),"
                        + " asked for 201000; use the closed form for larger numbers");
        assertThatThrownBy(() -> new WakeLatencies(-1, 0, 0, 0))
                .hasMessage("resume latency must be a finite number of ms >= 0, was -1.0");
    }
}
