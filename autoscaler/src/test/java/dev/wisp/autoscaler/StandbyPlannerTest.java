package dev.wisp.autoscaler;

import static dev.wisp.autoscaler.StandbyTier.GONE;
import static dev.wisp.autoscaler.StandbyTier.PAUSED;
import static dev.wisp.autoscaler.StandbyTier.RUNNING;
import static dev.wisp.autoscaler.StandbyTier.SNAPSHOTTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StandbyPlannerTest {
    private static final Duration NANO = Duration.ofNanos(1);

    private final ManualClock clock = new ManualClock();

    private StandbyPlanner planner(StandbyMode mode) {
        return new StandbyPlanner(StandbyPolicy.of(mode), clock);
    }

    /** An idle instance whose last request was {@code idle} ago. */
    private InstanceView idle(String id, StandbyTier tier, Duration idle) {
        return new InstanceView(id, tier, clock.instant().minus(idle), 0);
    }

    private static List<StandbyTier> targets(List<Transition> transitions) {
        return transitions.stream().map(Transition::to).toList();
    }

    /** One idle instance in {@code tier} for {@code idle} under {@code mode}; {@code to} is null where it stays. */
    record OneInstance(String name, StandbyMode mode, StandbyTier tier, Duration idle, int serving, StandbyTier to) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<OneInstance> oneInstance() {
        Duration pauseAfter = Duration.ofSeconds(1);
        Duration snapshotAfter = Duration.ofSeconds(60);
        Duration retireAfter = Duration.ofHours(24);
        return List.of(
                new OneInstance(
                        "running_justBeforePauseAfter_staysRunning",
                        StandbyMode.PAUSE,
                        RUNNING,
                        pauseAfter.minus(NANO),
                        1,
                        null),
                new OneInstance("running_atPauseAfter_isPaused", StandbyMode.SNAPSHOT, RUNNING, pauseAfter, 1, PAUSED),
                new OneInstance(
                        "paused_justBeforeSnapshotAfter_staysPaused",
                        StandbyMode.SNAPSHOT,
                        PAUSED,
                        snapshotAfter.minus(NANO),
                        1,
                        null),
                new OneInstance(
                        "paused_atSnapshotAfter_isSnapshotted",
                        StandbyMode.SNAPSHOT,
                        PAUSED,
                        snapshotAfter,
                        1,
                        SNAPSHOTTED),
                new OneInstance("pauseMode_neverSnapshots", StandbyMode.PAUSE, PAUSED, Duration.ofHours(23), 1, null),
                new OneInstance(
                        "excessSnapshot_justBeforeRetireAfter_stays",
                        StandbyMode.SNAPSHOT,
                        SNAPSHOTTED,
                        retireAfter.minus(NANO),
                        0,
                        null),
                new OneInstance(
                        "excessSnapshot_atRetireAfter_isGone", StandbyMode.SNAPSHOT, SNAPSHOTTED, retireAfter, 0, GONE),
                new OneInstance(
                        "pauseMode_excessPausedInstance_isRetiredAtRetireAfter",
                        StandbyMode.PAUSE,
                        PAUSED,
                        retireAfter,
                        0,
                        GONE),
                new OneInstance(
                        "alwaysOn_idleASecond_staysRunning", StandbyMode.ALWAYS_ON, RUNNING, pauseAfter, 1, null),
                new OneInstance(
                        "alwaysOn_idleFiveMinutes_staysRunning",
                        StandbyMode.ALWAYS_ON,
                        RUNNING,
                        Duration.ofMinutes(5),
                        1,
                        null),
                new OneInstance(
                        "alwaysOn_idle23Hours_staysRunning",
                        StandbyMode.ALWAYS_ON,
                        RUNNING,
                        Duration.ofHours(23),
                        1,
                        null),
                new OneInstance(
                        "alwaysOn_excessRunning_justBeforeRetireAfter_stays",
                        StandbyMode.ALWAYS_ON,
                        RUNNING,
                        retireAfter.minus(NANO),
                        0,
                        null),
                new OneInstance(
                        "alwaysOn_excessRunning_atRetireAfter_isGone",
                        StandbyMode.ALWAYS_ON,
                        RUNNING,
                        retireAfter,
                        0,
                        GONE),
                new OneInstance(
                        "longIdleRunningInstance_movesOneStepPerCall",
                        StandbyMode.SNAPSHOT,
                        RUNNING,
                        Duration.ofMinutes(10),
                        0,
                        PAUSED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneInstance")
    void oneIdleInstance_movesOneStepAtItsThresholdOnly(OneInstance c) {
        var due = planner(c.mode()).due(List.of(idle("a", c.tier(), c.idle())), c.serving());

        if (c.to() == null) {
            assertThat(due).isEmpty();
        } else {
            assertThat(due).containsExactly(new Transition("a", c.tier(), c.to(), c.idle()));
        }
    }

    @Test
    void servingInstances_areNeverRetired_theLeastRecentlyUsedExcessAre() {
        var instances = List.of(
                idle("old", SNAPSHOTTED, Duration.ofHours(30)),
                idle("newest", SNAPSHOTTED, Duration.ofHours(25)),
                idle("middle", SNAPSHOTTED, Duration.ofHours(26)));

        var due = planner(StandbyMode.SNAPSHOT).due(instances, 1);

        assertThat(due).extracting(Transition::instanceId).containsExactly("old", "middle");
        assertThat(targets(due)).containsOnly(GONE);
    }

    @Test
    void instanceWithRequestsInFlight_isNeverDemoted() {
        var busy = new InstanceView("busy", RUNNING, clock.instant().minus(Duration.ofDays(3)), 1);

        var due = planner(StandbyMode.SNAPSHOT).due(List.of(busy), 0);

        assertThat(due).isEmpty();
    }

    @Test
    void inFlightInstance_countsAsServing_soAnIdleOneIsRetiredInstead() {
        var busy = new InstanceView("busy", RUNNING, clock.instant().minus(Duration.ofDays(3)), 2);
        var spare = idle("spare", SNAPSHOTTED, Duration.ofDays(2));

        var due = planner(StandbyMode.SNAPSHOT).due(List.of(busy, spare), 1);

        assertThat(due).containsExactly(new Transition("spare", SNAPSHOTTED, GONE, Duration.ofDays(2)));
    }

    @Test
    void lastRequestInTheFuture_countsAsNotIdle() {
        var skewed = new InstanceView("a", RUNNING, clock.instant().plusSeconds(5), 0);

        assertThat(planner(StandbyMode.SNAPSHOT).due(List.of(skewed), 0)).isEmpty();
    }

    @Test
    void duplicateIdsOrNegativeServing_areRejected() {
        StandbyPlanner planner = planner(StandbyMode.SNAPSHOT);
        var a = idle("a", RUNNING, Duration.ZERO);

        assertThatThrownBy(() -> planner.due(List.of(a, a), 1)).hasMessageContaining("instance a is listed twice");
        assertThatThrownBy(() -> planner.due(List.of(a), -1)).hasMessageContaining("serving must be >= 0");
    }

    @Test
    void wake_prefersPausedOverSnapshotOverTemplateOverColdBoot() {
        StandbyPlanner planner = planner(StandbyMode.SNAPSHOT);
        var paused = idle("p", PAUSED, Duration.ofSeconds(30));
        var snap = idle("s", SNAPSHOTTED, Duration.ofSeconds(10));
        var running = idle("r", RUNNING, Duration.ZERO);

        assertThat(planner.wake(List.of(snap, paused, running), true))
                .isEqualTo(new WakePlan(WakePath.RESUME_PAUSED, "p"));
        assertThat(planner.wake(List.of(snap, running), true)).isEqualTo(new WakePlan(WakePath.RESTORE_SNAPSHOT, "s"));
        assertThat(planner.wake(List.of(running), true)).isEqualTo(new WakePlan(WakePath.CLONE_TEMPLATE, null));
        assertThat(planner.wake(List.of(), false)).isEqualTo(new WakePlan(WakePath.COLD_BOOT, null));
    }

    @Test
    void wake_picksTheMostRecentlyUsedOfATier() {
        var older = idle("older", SNAPSHOTTED, Duration.ofHours(2));
        var newer = idle("newer", SNAPSHOTTED, Duration.ofMinutes(2));

        assertThat(planner(StandbyMode.SNAPSHOT)
                        .wake(List.of(older, newer), false)
                        .instanceId())
                .isEqualTo("newer");
    }

    @Test
    void wakePlan_requiresAnInstanceExactlyForResumeAndRestore() {
        assertThatThrownBy(() -> new WakePlan(WakePath.RESUME_PAUSED, null)).hasMessageContaining("needs the instance");
        assertThatThrownBy(() -> new WakePlan(WakePath.COLD_BOOT, "x")).hasMessageContaining("instanceId must be null");
    }

    @Test
    void instanceView_rejectsGoneAndNegativeInFlight() {
        Instant t = clock.instant();

        assertThatThrownBy(() -> new InstanceView("a", GONE, t, 0)).hasMessageContaining("no longer exists");
        assertThatThrownBy(() -> new InstanceView("a", RUNNING, t, -1)).hasMessageContaining("inFlight must be >= 0");
    }
}
