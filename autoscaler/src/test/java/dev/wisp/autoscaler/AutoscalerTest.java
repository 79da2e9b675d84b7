package dev.wisp.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AutoscalerTest {
    private final ManualClock clock = new ManualClock();

    private Autoscaler autoscaler(AutoscalerConfig config) {
        return new Autoscaler(config, clock);
    }

    /** An autoscaler with the default config but {@code initialScale}. */
    private Autoscaler startingAt(int initialScale) {
        return autoscaler(AutoscalerConfig.builder().initialScale(initialScale).build());
    }

    /** A 6 s stable window and 30 s scale-to-zero grace, to tell the two apart. */
    private Autoscaler withShortGrace() {
        return autoscaler(AutoscalerConfig.builder()
                .stableWindow(Duration.ofSeconds(6))
                .scaleToZeroGrace(Duration.ofSeconds(30))
                .build());
    }

    /** Records {@code load} once a second for {@code seconds}, as the router does. */
    private void load(Autoscaler a, double load, int seconds) {
        for (int i = 0; i < seconds; i++) {
            a.record(load);
            clock.advanceSeconds(1);
        }
    }

    @Test
    void steadyLoad_350concurrent_desiresFiveInstances() {
        Autoscaler a = autoscaler(AutoscalerConfig.defaults());
        load(a, 350, 60);

        ScaleDecision d = a.desiredScale(5);

        assertThat(d.desiredInstances()).isEqualTo(5);
        assertThat(d.panicking()).isFalse();
        assertThat(d.reason()).isEqualTo(ScaleReason.STABLE);
        assertThat(d.stableAverage()).isEqualTo(350.0);
    }

    @Test
    void steadyLoad_readyFollowsDecisions_settlesAtFiveAndStays() {
        Autoscaler a = autoscaler(AutoscalerConfig.defaults());
        int ready = 1;
        ScaleDecision d = null;
        for (int second = 0; second < 240; second++) {
            a.record(350);
            clock.advanceSeconds(1);
            if (second % 2 == 1) {
                d = a.desiredScale(ready);
                ready = d.desiredInstances();
                if (second >= 120) {
                    assertThat(ready).as("at %ds", second).isEqualTo(5);
                }
            }
        }
        assertThat(d.panicking()).isFalse();
        assertThat(d.reason()).isEqualTo(ScaleReason.STABLE);
    }

    @Test
    void spike_entersPanicWithinPanicWindow_andScalesUpAtOnce() {
        Autoscaler a = desiringAfter(70, 60, 1);

        load(a, 700, 1);
        ScaleDecision first = a.desiredScale(1);
        // One second of 700 in a 6 s panic window of 70s: (700 + 5 * 70) / 6 = 175 -> 3 instances.
        assertThat(first.panicking()).isTrue();
        assertThat(first.reason()).isEqualTo(ScaleReason.PANIC);
        assertThat(first.desiredInstances()).isEqualTo(3);

        load(a, 700, 5);
        ScaleDecision full = a.desiredScale(1);
        // The stable average has barely moved ((54 * 70 + 6 * 700) / 60 = 133 -> 2); panic decides.
        assertPanicking(full, 10);
        assertThat(full.stableAverage()).isEqualTo(133.0);
    }

    @Test
    void panic_neverScalesDown_untilAStableWindowWithoutCrossingTheThreshold() {
        Autoscaler a = desiringAfter(700, 6, 10);
        // The last tick over the threshold was just now; traffic stops, ten instances are ready.
        clock.advanceSeconds(1);
        for (int s = 1; s < 60; s++) {
            ScaleDecision d = a.desiredScale(10);
            assertThat(d.panicking()).as("at +%ds", s).isTrue();
            assertThat(d.desiredInstances()).as("at +%ds", s).isEqualTo(10);
            a.record(0);
            clock.advanceSeconds(1);
        }

        ScaleDecision calm = a.desiredScale(10);

        assertThat(calm.panicking()).isFalse();
        assertThat(calm.reason()).isEqualTo(ScaleReason.SCALE_DOWN_LIMITED);
        assertThat(calm.desiredInstances()).isEqualTo(5);
    }

    @Test
    void panic_keepsHighestCount_evenWhenPanicAverageFalls() {
        Autoscaler a = desiringAfter(1400, 6, 20);
        load(a, 140, 6);

        assertPanicking(a.desiredScale(1), 20);
    }

    @Test
    void maxScaleUpRate_limitsEachTickToRateTimesReady() {
        Autoscaler a = autoscaler(AutoscalerConfig.builder().maxScaleUpRate(2).build());
        load(a, 700, 60);

        ScaleDecision fromOne = a.desiredScale(1);
        ScaleDecision fromThree = a.desiredScale(3);

        assertDecision(fromOne, 2, ScaleReason.SCALE_UP_LIMITED);
        assertDecision(fromThree, 6, ScaleReason.SCALE_UP_LIMITED);
    }

    private static void assertDecision(ScaleDecision d, int instances, ScaleReason reason) {
        assertThat(d.desiredInstances()).as("desired instances").isEqualTo(instances);
        assertThat(d.reason()).as("reason").isEqualTo(reason);
    }

    private static void assertPanicking(ScaleDecision d, int instances) {
        assertThat(d.panicking()).as("panicking").isTrue();
        assertThat(d.desiredInstances()).as("desired instances").isEqualTo(instances);
    }

    /**
     * A default autoscaler after {@code load} each second for {@code seconds}, checked to desire
     * {@code desired} instances from one ready.
     */
    private Autoscaler desiringAfter(double load, int seconds, int desired) {
        Autoscaler a = autoscaler(AutoscalerConfig.defaults());
        load(a, load, seconds);
        assertThat(a.desiredScale(1).desiredInstances()).isEqualTo(desired);
        return a;
    }

    /**
     * A service with {@code config} under {@code load} reported each second for {@code seconds}
     * (0 is how the router reports no traffic), then one tick with {@code ready} instances.
     */
    record OneTick(
            String name,
            AutoscalerConfig config,
            double load,
            int seconds,
            int ready,
            int desired,
            ScaleReason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<OneTick> oneTick() {
        return List.of(
                new OneTick(
                        "maxScaleDownRate_configured_keepsReadyOverRate",
                        AutoscalerConfig.builder().maxScaleDownRate(4).build(),
                        70,
                        61,
                        10,
                        2,
                        ScaleReason.SCALE_DOWN_LIMITED),
                new OneTick(
                        "minInstances_raisesDesiredWithNoTraffic",
                        AutoscalerConfig.builder().minInstances(3).build(),
                        0,
                        600,
                        3,
                        3,
                        ScaleReason.MIN_INSTANCES),
                new OneTick(
                        "maxInstances_capsDesiredUnderHeavyLoad",
                        AutoscalerConfig.builder().maxInstances(4).build(),
                        7000,
                        60,
                        4,
                        4,
                        ScaleReason.MAX_INSTANCES),
                new OneTick(
                        "initialScaleZero_startsAtZeroWithoutGrace",
                        AutoscalerConfig.builder().initialScale(0).build(),
                        0,
                        0,
                        0,
                        0,
                        ScaleReason.SCALE_TO_ZERO));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneTick")
    void oneTick_desiresTheCountForTheReason(OneTick c) {
        Autoscaler a = autoscaler(c.config());
        load(a, c.load(), c.seconds());

        ScaleDecision d = a.desiredScale(c.ready());

        assertThat(d.desiredInstances()).isEqualTo(c.desired());
        assertThat(d.reason()).isEqualTo(c.reason());
    }

    @Test
    void maxScaleDownRate_halvesAtMostPerTick() {
        Autoscaler a = autoscaler(AutoscalerConfig.defaults());
        load(a, 0, 61);

        assertDecision(a.desiredScale(10), 5, ScaleReason.SCALE_DOWN_LIMITED);
        assertThat(a.desiredScale(5).desiredInstances()).isEqualTo(2);
        assertThat(a.desiredScale(3).desiredInstances()).isEqualTo(1);
    }

    @Test
    void initialScale_heldForFirstStableWindow_thenScalesDown() {
        Autoscaler a = startingAt(3);

        ScaleDecision atStart = a.desiredScale(0);
        clock.advanceSeconds(59);
        ScaleDecision justBefore = a.desiredScale(3);
        clock.advanceSeconds(1);
        ScaleDecision after = a.desiredScale(3);

        assertDecision(atStart, 3, ScaleReason.INITIAL_SCALE);
        assertThat(justBefore.desiredInstances()).isEqualTo(3);
        assertDecision(after, 1, ScaleReason.SCALE_DOWN_LIMITED);
    }

    @Test
    void scaleToZero_onlyAfterGraceWithoutTraffic() {
        Autoscaler a = withShortGrace();
        load(a, 50, 10); // last traffic at second 9
        // The router keeps reporting zero; the stable window is empty from second 15 on.
        load(a, 0, 28);
        assertThat(clock.elapsedSeconds()).isEqualTo(38);
        ScaleDecision justBefore = a.desiredScale(1);
        load(a, 0, 1);
        ScaleDecision atGrace = a.desiredScale(1);

        assertDecision(justBefore, 1, ScaleReason.SCALE_TO_ZERO_GRACE);
        assertDecision(atGrace, 0, ScaleReason.SCALE_TO_ZERO);
    }

    @Test
    void scaleToZero_trafficDuringGrace_restartsIt() {
        Autoscaler a = withShortGrace();
        load(a, 50, 10);
        load(a, 0, 20);
        load(a, 1, 1); // one request at second 30
        load(a, 0, 28);

        assertThat(a.desiredScale(1).desiredInstances()).isEqualTo(1);
        clock.advanceSeconds(1);
        assertThat(a.desiredScale(1).desiredInstances()).isZero();
    }

    @Test
    void scaleToZero_withDefaults_afterAStableWindowOfSilence() {
        Autoscaler a = autoscaler(AutoscalerConfig.defaults());
        load(a, 50, 10); // last sample in second 9
        clock.advanceSeconds(58);
        assertThat(a.desiredScale(1).desiredInstances()).isEqualTo(1);
        clock.advanceSeconds(1);
        assertThat(a.desiredScale(1).desiredInstances()).isZero();
    }

    @Test
    void coldRequest_atZero_wakesOneImmediately() {
        Autoscaler a = startingAt(0);
        clock.advanceSeconds(3600);
        assertThat(a.desiredScale(0).desiredInstances()).isZero();

        ScaleDecision wake = a.onColdRequest();

        assertDecision(wake, 1, ScaleReason.ACTIVATION);
        assertThat(wake.panicking()).isFalse();
        // The next tick, before the router has reported any load, does not undo it.
        assertThat(a.desiredScale(0).desiredInstances()).isEqualTo(1);
    }

    @Test
    void coldBurst_atZero_wakesSeveralAtOnce_andHoldsThemThroughTheNextTick() {
        Autoscaler a = startingAt(0);

        assertPanicking(a.onColdRequests(350), 5);
        clock.advanceSeconds(2);
        assertPanicking(a.desiredScale(0), 5); // held through the next tick
    }

    @Test
    void coldBurst_isCappedByMaxInstancesAndScaleUpRate() {
        Autoscaler capped =
                autoscaler(AutoscalerConfig.builder().maxInstances(3).build());
        Autoscaler rated =
                autoscaler(AutoscalerConfig.builder().maxScaleUpRate(4).build());

        ScaleDecision byMax = capped.onColdRequests(10_000);
        ScaleDecision byRate = rated.onColdRequests(10_000);

        assertDecision(byMax, 3, ScaleReason.MAX_INSTANCES);
        assertThat(byRate.desiredInstances()).isEqualTo(4);
    }

    @Test
    void rpsMetric_usesItsOwnDefaultTarget() {
        Autoscaler a = autoscaler(AutoscalerConfig.builder().metric(Metric.RPS).build());
        load(a, 1400, 60); // 200 rps x 70 % = 140 per instance

        assertThat(a.desiredScale(10).desiredInstances()).isEqualTo(10);
    }

    @Test
    void severalSamplesInOneSecond_areAveraged() {
        Autoscaler a = autoscaler(AutoscalerConfig.defaults());
        for (int s = 0; s < 60; s++) {
            a.record(700);
            a.record(0);
            clock.advanceSeconds(1);
        }

        assertThat(a.desiredScale(5).desiredInstances()).isEqualTo(5);
    }

    @Test
    void invalidInputs_areRejected() {
        Autoscaler a = autoscaler(AutoscalerConfig.defaults());

        assertThatThrownBy(() -> a.record(-1)).hasMessageContaining("load must be a finite value >= 0");
        assertThatThrownBy(() -> a.record(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.desiredScale(-1)).hasMessageContaining("readyInstances must be >= 0");
        assertThatThrownBy(() -> a.onColdRequests(-1)).hasMessageContaining("queuedRequests must be >= 0");
    }
}
