package dev.wisp.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class AutoscalerConfigTest {

    @Test
    void defaults_matchKnative() {
        AutoscalerConfig c = AutoscalerConfig.defaults();

        assertThat(c.metric()).isEqualTo(Metric.CONCURRENCY);
        assertThat(c.target()).isEqualTo(100);
        assertThat(c.targetUtilizationPercentage()).isEqualTo(70);
        assertThat(c.targetPerInstance()).isEqualTo(70);
        assertThat(c.stableWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.panicWindowPercentage()).isEqualTo(10);
        assertThat(c.panicWindow()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.panicThresholdPercentage()).isEqualTo(200);
        assertThat(c.maxScaleUpRate()).isEqualTo(1000);
        assertThat(c.maxScaleDownRate()).isEqualTo(2);
        assertThat(c.tickInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.scaleToZeroGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.minInstances()).isZero();
        assertThat(c.maxInstances()).isZero();
        assertThat(c.initialScale()).isEqualTo(1);
    }

    @Test
    void rpsMetric_defaultsTargetTo200_unlessSet() {
        assertThat(AutoscalerConfig.builder().metric(Metric.RPS).build().target())
                .isEqualTo(200);
        assertThat(AutoscalerConfig.builder()
                        .metric(Metric.RPS)
                        .target(50)
                        .build()
                        .target())
                .isEqualTo(50);
    }

    @Test
    void panicWindow_isRoundedUpToWholeSeconds() {
        AutoscalerConfig c =
                AutoscalerConfig.builder().stableWindow(Duration.ofSeconds(6)).build();

        assertThat(c.panicWindow()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void toBuilder_roundTrips() {
        AutoscalerConfig c =
                AutoscalerConfig.builder().minInstances(2).maxInstances(9).build();

        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void minAboveMax_isRejectedNamingBoth() {
        assertInvalid(b -> b.minInstances(5).maxInstances(3), "minInstances (5) must be <= maxInstances (3)");
    }

    @Test
    void minWithUnboundedMax_isAccepted() {
        assertThat(AutoscalerConfig.builder()
                        .minInstances(5)
                        .maxInstances(0)
                        .build()
                        .minInstances())
                .isEqualTo(5);
    }

    @Test
    void negativeOrOutOfRangeSettings_areRejectedWithClearMessages() {
        assertInvalid(b -> b.target(0), "target must be > 0, was 0.0");
        assertInvalid(b -> b.target(-1), "target must be > 0");
        assertInvalid(b -> b.targetUtilizationPercentage(0), "targetUtilizationPercentage must be in (0, 100]");
        assertInvalid(b -> b.targetUtilizationPercentage(101), "targetUtilizationPercentage must be in (0, 100]");
        assertInvalid(b -> b.stableWindow(Duration.ofSeconds(5)), "stableWindow must be in [6s, 1h], was PT5S");
        assertInvalid(b -> b.stableWindow(Duration.ofHours(2)), "stableWindow must be in [6s, 1h]");
        assertInvalid(b -> b.stableWindow(Duration.ofMillis(6500)), "stableWindow must be whole seconds");
        assertInvalid(b -> b.panicWindowPercentage(0.5), "panicWindowPercentage must be in [1, 100]");
        assertInvalid(b -> b.panicThresholdPercentage(100), "panicThresholdPercentage must be in [110, 1000]");
        assertInvalid(b -> b.maxScaleUpRate(1), "maxScaleUpRate must be > 1");
        assertInvalid(b -> b.maxScaleDownRate(0.5), "maxScaleDownRate must be > 1");
        assertInvalid(b -> b.tickInterval(Duration.ZERO), "tickInterval must be > 0");
        assertInvalid(b -> b.scaleToZeroGrace(Duration.ofSeconds(-1)), "scaleToZeroGrace must be >= 0");
        assertInvalid(b -> b.minInstances(-1), "minInstances must be >= 0, was -1");
        assertInvalid(b -> b.maxInstances(-1), "maxInstances must be >= 0 (0 = unbounded), was -1");
        assertInvalid(b -> b.initialScale(-1), "initialScale must be >= 0, was -1");
        assertInvalid(b -> b.maxInstances(2).initialScale(3), "initialScale (3) must be <= maxInstances (2)");
    }

    @Test
    void zeroGrace_isAllowed_becauseTheRouterIsAlwaysInThePath() {
        assertThat(AutoscalerConfig.builder()
                        .scaleToZeroGrace(Duration.ZERO)
                        .build()
                        .scaleToZeroGrace())
                .isEqualTo(Duration.ZERO);
    }

    private static void assertInvalid(UnaryOperator<AutoscalerConfig.Builder> settings, String message) {
        assertThatThrownBy(() -> settings.apply(AutoscalerConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
