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

    @Test
    void running_justBeforePauseAfter_staysRunning() {
        var due = planner(StandbyMode.PAUSE)
                .due(List.of(idle("a", RUNNING, Duration.ofSeconds(1).minus(NANO))), 1);

        assertThat(due).isEmpty();
    }

    @Test
    void running_atPauseAfter_isPaused() {
        var due = planner(StandbyMode.SNAPSHOT).due(List.of(idle("a", RUNNING, Duration.ofSeconds(1))), 1);

        assertThat(due).containsExactly(new Transition("a", RUNNING, PAUSED, Duration.ofSeconds(1)));
    }

    @Test
    void paused_justBeforeSnapshotAfter_staysPaused() {
        var due = planner(StandbyMode.SNAPSHOT)
                .due(List.of(idle("a", PAUSED, Duration.ofSeconds(60).minus(NANO))), 1);

        assertThat(due).isEmpty();
    }

    @Test
    void paused_atSnapshotAfter_isSnapshotted() {
        var due = planner(StandbyMode.SNAPSHOT).due(List.of(idle("a", PAUSED, Duration.ofSeconds(60))), 1);

        assertThat(targets(due)).containsExactly(SNAPSHOTTED);
    }

    @Test
    void pauseMode_neverSnapshots() {
        var due = planner(StandbyMode.PAUSE).due(List.of(idle("a", PAUSED, Duration.ofHours(23))), 1);

        assertThat(due).isEmpty();
    }

    @Test
    void excessSnapshot_justBeforeRetireAfter_stays_andAtRetireAfter_isGone() {
        StandbyPlanner planner = planner(StandbyMode.SNAPSHOT);

        var before =
                planner.due(List.of(idle("a", SNAPSHOTTED, Duration.ofHours(24).minus(NANO))), 0);
        var at = planner.due(List.of(idle("a", SNAPSHOTTED, Duration.ofHours(24))), 0);

        assertThat(before).isEmpty();
        assertThat(at).containsExactly(new Transition("a", SNAPSHOTTED, GONE, Duration.ofHours(24)));
    }

    @Test
    void pauseMode_excessPausedInstance_isRetiredAtRetireAfter() {
        var due = planner(StandbyMode.PAUSE).due(List.of(idle("a", PAUSED, Duration.ofHours(24))), 0);

        assertThat(targets(due)).containsExactly(GONE);
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
    void alwaysOn_neverPausesOrSnapshots() {
        var instances = List.of(
                idle("a", RUNNING, Duration.ofSeconds(1)),
                idle("b", RUNNING, Duration.ofMinutes(5)),
                idle("c", RUNNING, Duration.ofHours(23)));

        var due = planner(StandbyMode.ALWAYS_ON).due(instances, 3);

        assertThat(due).isEmpty();
    }

    @Test
    void alwaysOn_keepsExcessRunningUntilRetireAfter() {
        StandbyPlanner planner = planner(StandbyMode.ALWAYS_ON);

        var before = planner.due(List.of(idle("a", RUNNING, Duration.ofHours(24).minus(NANO))), 0);
        var at = planner.due(List.of(idle("a", RUNNING, Duration.ofHours(24))), 0);

        assertThat(before).isEmpty();
        assertThat(at).containsExactly(new Transition("a", RUNNING, GONE, Duration.ofHours(24)));
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
    void longIdleRunningInstance_movesOneStepPerCall() {
        var due = planner(StandbyMode.SNAPSHOT).due(List.of(idle("a", RUNNING, Duration.ofMinutes(10))), 0);

        assertThat(targets(due)).containsExactly(PAUSED);
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
