package dev.wisp.autoscaler;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one service's {@link Autoscaler}. Names and defaults follow Knative's KPA
 * ({@code config-autoscaler}), so people who know Knative know these; percentages are written as
 * Knative writes them (70 means 70 %).
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>Setting</th><th>Default</th><th>Knative name</th></tr>
 *   <tr><td>{@link #metric}</td><td>{@link Metric#CONCURRENCY}</td><td>metric</td></tr>
 *   <tr><td>{@link #target}</td><td>100 (200 for {@link Metric#RPS})</td>
 *       <td>container-concurrency-target-default / target</td></tr>
 *   <tr><td>{@link #targetUtilizationPercentage}</td><td>70</td>
 *       <td>container-concurrency-target-percentage</td></tr>
 *   <tr><td>{@link #stableWindow}</td><td>60 s</td><td>stable-window</td></tr>
 *   <tr><td>{@link #panicWindowPercentage}</td><td>10 (6 s of 60 s)</td><td>panic-window-percentage</td></tr>
 *   <tr><td>{@link #panicThresholdPercentage}</td><td>200</td><td>panic-threshold-percentage</td></tr>
 *   <tr><td>{@link #maxScaleUpRate}</td><td>1000</td><td>max-scale-up-rate</td></tr>
 *   <tr><td>{@link #maxScaleDownRate}</td><td>2</td><td>max-scale-down-rate</td></tr>
 *   <tr><td>{@link #tickInterval}</td><td>2 s</td><td>tick-interval</td></tr>
 *   <tr><td>{@link #scaleToZeroGrace}</td><td>30 s</td><td>scale-to-zero-grace-period</td></tr>
 *   <tr><td>{@link #minInstances}</td><td>0</td><td>min-scale</td></tr>
 *   <tr><td>{@link #maxInstances}</td><td>0 (unbounded)</td><td>max-scale</td></tr>
 *   <tr><td>{@link #initialScale}</td><td>1</td><td>initial-scale</td></tr>
 * </table>
 *
 * <p>A hard per-instance concurrency limit (Knative's {@code containerConcurrency}) is not here:
 * the router enforces it, the autoscaler only plans capacity.
 *
 * @param metric                      what is measured; default {@link Metric#CONCURRENCY}
 * @param target                      metric value one instance should carry at 100 % utilisation;
 *                                    default {@link Metric#defaultTarget()} (100 concurrent, 200 rps); &gt; 0
 * @param targetUtilizationPercentage share of {@code target} to plan for, leaving headroom for
 *                                    bursts while new instances start; default 70; in (0, 100]
 * @param stableWindow                window the steady-state average is taken over; default 60 s;
 *                                    whole seconds in [6 s, 1 h], as Knative
 * @param panicWindowPercentage       panic window as a share of the stable window; default 10
 *                                    (6 s); in [1, 100]; the window is rounded up to whole seconds
 * @param panicThresholdPercentage    panic when the panic-window count reaches this share of the
 *                                    ready count; default 200; in [110, 1000], as Knative
 * @param maxScaleUpRate              at most {@code ceil(rate * ready)} instances per tick;
 *                                    default 1000; &gt; 1
 * @param maxScaleDownRate            at least {@code floor(ready / rate)} instances kept per tick;
 *                                    default 2; &gt; 1
 * @param tickInterval                how often the platform should call
 *                                    {@link Autoscaler#desiredScale(int)}; the rates are per tick;
 *                                    default 2 s; &gt; 0
 * @param scaleToZeroGrace            minimum time without traffic before the last instance goes;
 *                                    default 30 s; &gt;= 0. Knative needs at least 6 s to put its
 *                                    activator in the path; Wisp's router is always in the path,
 *                                    so any value works
 * @param minInstances                floor on the desired count; default 0; &gt;= 0
 * @param maxInstances                ceiling on the desired count, 0 for none; default 0; &gt;= 0
 * @param initialScale                count held during the first stable window after creation;
 *                                    default 1; &gt;= 0 and within the maximum
 */
public record AutoscalerConfig(
        Metric metric,
        double target,
        double targetUtilizationPercentage,
        Duration stableWindow,
        double panicWindowPercentage,
        double panicThresholdPercentage,
        double maxScaleUpRate,
        double maxScaleDownRate,
        Duration tickInterval,
        Duration scaleToZeroGrace,
        int minInstances,
        int maxInstances,
        int initialScale) {

    static final Duration MIN_STABLE_WINDOW = Duration.ofSeconds(6);
    static final Duration MAX_STABLE_WINDOW = Duration.ofHours(1);

    /** Validates every setting; the message names the setting, the rule and the value given. */
    public AutoscalerConfig {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(stableWindow, "stableWindow");
        Objects.requireNonNull(tickInterval, "tickInterval");
        Objects.requireNonNull(scaleToZeroGrace, "scaleToZeroGrace");
        check(target > 0 && Double.isFinite(target), "target must be > 0, was " + target);
        check(
                targetUtilizationPercentage > 0 && targetUtilizationPercentage <= 100,
                "targetUtilizationPercentage must be in (0, 100], was " + targetUtilizationPercentage);
        check(
                stableWindow.compareTo(MIN_STABLE_WINDOW) >= 0 && stableWindow.compareTo(MAX_STABLE_WINDOW) <= 0,
                "stableWindow must be in [6s, 1h], was " + stableWindow);
        // The window is averaged in one-second buckets, as Knative's.
        check(stableWindow.getNano() == 0, "stableWindow must be whole seconds, was " + stableWindow);
        check(
                panicWindowPercentage >= 1 && panicWindowPercentage <= 100,
                "panicWindowPercentage must be in [1, 100], was " + panicWindowPercentage);
        check(
                panicThresholdPercentage >= 110 && panicThresholdPercentage <= 1000,
                "panicThresholdPercentage must be in [110, 1000], was " + panicThresholdPercentage);
        check(
                maxScaleUpRate > 1 && Double.isFinite(maxScaleUpRate),
                "maxScaleUpRate must be > 1, was " + maxScaleUpRate);
        check(
                maxScaleDownRate > 1 && Double.isFinite(maxScaleDownRate),
                "maxScaleDownRate must be > 1, was " + maxScaleDownRate);
        check(tickInterval.isPositive(), "tickInterval must be > 0, was " + tickInterval);
        check(!scaleToZeroGrace.isNegative(), "scaleToZeroGrace must be >= 0, was " + scaleToZeroGrace);
        check(minInstances >= 0, "minInstances must be >= 0, was " + minInstances);
        check(maxInstances >= 0, "maxInstances must be >= 0 (0 = unbounded), was " + maxInstances);
        check(
                maxInstances == 0 || minInstances <= maxInstances,
                "minInstances (" + minInstances + ") must be <= maxInstances (" + maxInstances + ")");
        check(initialScale >= 0, "initialScale must be >= 0, was " + initialScale);
        check(
                maxInstances == 0 || initialScale <= maxInstances,
                "initialScale (" + initialScale + ") must be <= maxInstances (" + maxInstances + ")");
    }

    /** All defaults (see the table above). */
    public static AutoscalerConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The metric value one instance is planned to carry: {@code target * utilisation}, 70 with the
     * defaults.
     */
    public double targetPerInstance() {
        return target * targetUtilizationPercentage / 100;
    }

    /** The panic window: the share of the stable window, rounded up to whole seconds; 6 s by default. */
    public Duration panicWindow() {
        long seconds = (long) Math.ceil(stableWindow.toSeconds() * panicWindowPercentage / 100);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builds an {@link AutoscalerConfig}; every setting starts at its default. */
    public static final class Builder {
        private Metric metric = Metric.CONCURRENCY;
        private Double target; // null: the metric's default, resolved in build()
        private double targetUtilizationPercentage = 70;
        private Duration stableWindow = Duration.ofSeconds(60);
        private double panicWindowPercentage = 10;
        private double panicThresholdPercentage = 200;
        private double maxScaleUpRate = 1000;
        private double maxScaleDownRate = 2;
        private Duration tickInterval = Duration.ofSeconds(2);
        private Duration scaleToZeroGrace = Duration.ofSeconds(30);
        private int minInstances = 0;
        private int maxInstances = 0;
        private int initialScale = 1;

        private Builder() {}

        private Builder(AutoscalerConfig c) {
            metric = c.metric;
            target = c.target;
            targetUtilizationPercentage = c.targetUtilizationPercentage;
            stableWindow = c.stableWindow;
            panicWindowPercentage = c.panicWindowPercentage;
            panicThresholdPercentage = c.panicThresholdPercentage;
            maxScaleUpRate = c.maxScaleUpRate;
            maxScaleDownRate = c.maxScaleDownRate;
            tickInterval = c.tickInterval;
            scaleToZeroGrace = c.scaleToZeroGrace;
            minInstances = c.minInstances;
            maxInstances = c.maxInstances;
            initialScale = c.initialScale;
        }

        /** Sets {@link AutoscalerConfig#metric()}; default {@link Metric#CONCURRENCY}. */
        public Builder metric(Metric metric) {
            this.metric = metric;
            return this;
        }
        /** Sets {@link AutoscalerConfig#target()}; default {@link Metric#defaultTarget()} of the metric. */
        public Builder target(double target) {
            this.target = target;
            return this;
        }
        /** Sets {@link AutoscalerConfig#targetUtilizationPercentage()}; default 70. */
        public Builder targetUtilizationPercentage(double p) {
            this.targetUtilizationPercentage = p;
            return this;
        }
        /** Sets {@link AutoscalerConfig#stableWindow()}; default 60 s. */
        public Builder stableWindow(Duration window) {
            this.stableWindow = window;
            return this;
        }
        /** Sets {@link AutoscalerConfig#panicWindowPercentage()}; default 10. */
        public Builder panicWindowPercentage(double p) {
            this.panicWindowPercentage = p;
            return this;
        }
        /** Sets {@link AutoscalerConfig#panicThresholdPercentage()}; default 200. */
        public Builder panicThresholdPercentage(double p) {
            this.panicThresholdPercentage = p;
            return this;
        }
        /** Sets {@link AutoscalerConfig#maxScaleUpRate()}; default 1000. */
        public Builder maxScaleUpRate(double rate) {
            this.maxScaleUpRate = rate;
            return this;
        }
        /** Sets {@link AutoscalerConfig#maxScaleDownRate()}; default 2. */
        public Builder maxScaleDownRate(double rate) {
            this.maxScaleDownRate = rate;
            return this;
        }
        /** Sets {@link AutoscalerConfig#tickInterval()}; default 2 s. */
        public Builder tickInterval(Duration tick) {
            this.tickInterval = tick;
            return this;
        }
        /** Sets {@link AutoscalerConfig#scaleToZeroGrace()}; default 30 s. */
        public Builder scaleToZeroGrace(Duration grace) {
            this.scaleToZeroGrace = grace;
            return this;
        }
        /** Sets {@link AutoscalerConfig#minInstances()}; default 0. */
        public Builder minInstances(int min) {
            this.minInstances = min;
            return this;
        }
        /** Sets {@link AutoscalerConfig#maxInstances()}; default 0 (unbounded). */
        public Builder maxInstances(int max) {
            this.maxInstances = max;
            return this;
        }
        /** Sets {@link AutoscalerConfig#initialScale()}; default 1. */
        public Builder initialScale(int initial) {
            this.initialScale = initial;
            return this;
        }

        /** @throws IllegalArgumentException if a setting is out of range, naming it */
        public AutoscalerConfig build() {
            Objects.requireNonNull(metric, "metric");
            return new AutoscalerConfig(
                    metric,
                    target != null ? target : metric.defaultTarget(),
                    targetUtilizationPercentage,
                    stableWindow,
                    panicWindowPercentage,
                    panicThresholdPercentage,
                    maxScaleUpRate,
                    maxScaleDownRate,
                    tickInterval,
                    scaleToZeroGrace,
                    minInstances,
                    maxInstances,
                    initialScale);
        }
    }
}
