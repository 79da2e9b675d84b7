package dev.wisp.autoscaler;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Decides how many instances one service should have serving, the way Knative's KPA does.
 *
 * <p>The router {@link #record records} the service's load (concurrency or requests per second)
 * at least once a second. Every {@link AutoscalerConfig#tickInterval() tick} (2 s by default) the
 * platform asks for {@link #desiredScale(int)}:
 * <ol>
 *   <li>average the load over the stable window (60 s) and the panic window (6 s);</li>
 *   <li>divide each by {@link AutoscalerConfig#targetPerInstance() target × utilisation} (70),
 *       rounding up, and keep each within this tick's rate limits: at most
 *       {@code ceil(maxScaleUpRate × ready)} and at least {@code floor(ready / maxScaleDownRate)};</li>
 *   <li>enter panic mode when the panic count reaches {@code panicThreshold} (200 %) of the ready
 *       count; while panicking use the larger of the two counts and never go below the highest
 *       count of this panic; leave once a whole stable window has passed without crossing the
 *       threshold, by which time the surge is in the stable average;</li>
 *   <li>hold the initial scale during the first stable window after creation;</li>
 *   <li>go to zero only after {@code scaleToZeroGrace} (30 s) without traffic, keeping one
 *       instance until then;</li>
 *   <li>clamp to the configured minimum and maximum.</li>
 * </ol>
 *
 * <p>At zero the platform does not wait for a tick: {@link #onColdRequest()} and
 * {@link #onColdRequests(int)} answer at once (Knative's activator does the same job).
 *
 * <p>Time comes only from the injected {@link InstantSource}, so tests drive it by hand. The
 * autoscaler has no threads; its methods are synchronized because the router records from its own
 * threads while the platform ticks from another.
 */
public final class Autoscaler {
    /** Guards {@code ceil} against floating-point dust (e.g. 350 / 70.00000000000001). */
    private static final double EPSILON = 1e-9;

    private final AutoscalerConfig config;
    private final InstantSource clock;
    private final Instant createdAt;
    private final int stableSeconds;
    private final int panicSeconds;
    private final WindowedAverage load;

    /** Last time the service had traffic (or was created): the scale-to-zero grace counts from it. */
    private Instant lastActivity;
    /** Last time the panic threshold was crossed; null when not panicking. */
    private Instant lastOverThreshold;
    /** Highest count asked for during the current panic: panic never scales down. */
    private int maxPanicInstances;

    /**
     * @param config the service's settings
     * @param clock  the only source of time; creation time is read from it now
     */
    public Autoscaler(AutoscalerConfig config, InstantSource clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.createdAt = clock.instant();
        // Creation counts as activity, so a new service is not dropped to zero before anyone could
        // call it; unless it asked to start at zero.
        this.lastActivity = config.initialScale() > 0 ? createdAt : Instant.MIN;
        this.stableSeconds = (int) config.stableWindow().toSeconds();
        this.panicSeconds = (int) Math.min(stableSeconds, config.panicWindow().toSeconds());
        this.load = new WindowedAverage(stableSeconds);
    }

    /** The settings this autoscaler runs with. */
    public AutoscalerConfig config() {
        return config;
    }

    /**
     * Records the service's load now: for {@link Metric#CONCURRENCY} the requests in flight plus
     * queued across all its instances; for {@link Metric#RPS} the requests of the last second.
     * Call at least once a second while there is traffic; a second without a sample counts as zero.
     *
     * @throws IllegalArgumentException if {@code value} is negative or not finite
     */
    public synchronized void record(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("load must be a finite value >= 0, was " + value);
        }
        Instant now = clock.instant();
        load.add(now.getEpochSecond(), value);
        if (value > 0) {
            lastActivity = later(lastActivity, now);
        }
    }

    /**
     * The count to have serving now. Call once per {@link AutoscalerConfig#tickInterval() tick}:
     * the rate limits are per call.
     *
     * @param readyInstances instances serving now (running, or paused and resumable in
     *                       milliseconds); instances still starting do not count
     * @throws IllegalArgumentException if {@code readyInstances} is negative
     */
    public synchronized ScaleDecision desiredScale(int readyInstances) {
        if (readyInstances < 0) {
            throw new IllegalArgumentException("readyInstances must be >= 0, was " + readyInstances);
        }
        Instant now = clock.instant();
        long nowSecond = now.getEpochSecond();
        double stable = load.average(nowSecond, stableSeconds);
        double panic = load.average(nowSecond, panicSeconds);
        double perInstance = config.targetPerInstance();

        // Rates are relative to what is ready; with none ready, act as if one were (as Knative).
        double ready = Math.max(1, readyInstances);
        int maxUp = saturatedInt(Math.ceil(config.maxScaleUpRate() * ready));
        int maxDown = (int) Math.floor(ready / config.maxScaleDownRate());
        int stableWanted = ceilCount(stable / perInstance);
        int panicWanted = ceilCount(panic / perInstance);
        int stableCount = Math.clamp(stableWanted, maxDown, maxUp);
        int panicCount = Math.clamp(panicWanted, maxDown, maxUp);
        boolean overThreshold = panicWanted / ready >= config.panicThresholdPercentage() / 100;

        if (overThreshold) {
            lastOverThreshold = now;
        } else if (lastOverThreshold != null && !now.isBefore(lastOverThreshold.plus(config.stableWindow()))) {
            lastOverThreshold = null;
            maxPanicInstances = 0;
        }
        boolean panicking = lastOverThreshold != null;

        int desired;
        ScaleReason reason;
        String detail;
        if (panicking) {
            int wanted = Math.max(stableWanted, panicWanted);
            desired = Math.max(Math.max(stableCount, panicCount), maxPanicInstances);
            maxPanicInstances = desired;
            reason = wanted > maxUp && desired == maxUp ? ScaleReason.SCALE_UP_LIMITED : ScaleReason.PANIC;
            detail = String.format(
                    "panic: %.1f over %ds -> %d, highest this panic %d", panic, panicSeconds, panicWanted, desired);
        } else {
            desired = stableCount;
            if (stableWanted > maxUp) {
                reason = ScaleReason.SCALE_UP_LIMITED;
                detail = String.format(
                        "stable wants %d, max scale-up rate %.0fx of %d ready allows %d",
                        stableWanted, config.maxScaleUpRate(), readyInstances, maxUp);
            } else if (stableWanted < maxDown) {
                reason = ScaleReason.SCALE_DOWN_LIMITED;
                detail = String.format(
                        "stable wants %d, max scale-down rate %.0fx of %d ready keeps %d",
                        stableWanted, config.maxScaleDownRate(), readyInstances, maxDown);
            } else {
                reason = ScaleReason.STABLE;
                detail = String.format(
                        "stable: %.1f over %ds / %.1f per instance -> %d",
                        stable, stableSeconds, perInstance, stableWanted);
            }
        }

        if (desired < config.initialScale() && now.isBefore(createdAt.plus(config.stableWindow()))) {
            desired = config.initialScale();
            reason = ScaleReason.INITIAL_SCALE;
            detail = "initial scale " + desired + " held for the first stable window";
        }

        if (desired == 0) {
            Instant zeroAt = lastActivity.plus(config.scaleToZeroGrace());
            if (now.isBefore(zeroAt)) {
                desired = 1;
                reason = ScaleReason.SCALE_TO_ZERO_GRACE;
                detail = "no traffic; keeping 1 for another " + Duration.between(now, zeroAt);
            } else {
                reason = ScaleReason.SCALE_TO_ZERO;
                detail = lastActivity.equals(Instant.MIN) ? "no traffic yet" : "no traffic since " + lastActivity;
            }
        }

        return bounded(desired, panicking, reason, stable, panic, detail);
    }

    /**
     * A request arrived and no instance is ready. Wakes one now instead of waiting for the tick.
     * Same as {@code onColdRequests(1)}.
     */
    public ScaleDecision onColdRequest() {
        return onColdRequests(1);
    }

    /**
     * {@code queuedRequests} are waiting and no instance is ready: asks at once for
     * {@code ceil(queued / targetPerInstance)} (at least one), within the scale-up rate and the
     * maximum. A burst large enough to cross the panic threshold enters panic mode, so the next
     * ticks (whose averages have not seen the burst yet) do not scale straight back down.
     * Restarts the scale-to-zero grace. The router should keep recording the queued requests as
     * load as usual.
     *
     * @throws IllegalArgumentException if {@code queuedRequests} is negative
     */
    public synchronized ScaleDecision onColdRequests(int queuedRequests) {
        if (queuedRequests < 0) {
            throw new IllegalArgumentException("queuedRequests must be >= 0, was " + queuedRequests);
        }
        Instant now = clock.instant();
        lastActivity = later(lastActivity, now);
        int queued = Math.max(1, queuedRequests);
        int maxUp = saturatedInt(Math.ceil(config.maxScaleUpRate()));
        int wanted = Math.max(1, ceilCount(queued / config.targetPerInstance()));
        int desired = Math.min(wanted, maxUp);
        boolean panicking = lastOverThreshold != null;
        // Zero ready counts as one, as in desiredScale, so the threshold applies to wanted / 1.
        if (wanted >= config.panicThresholdPercentage() / 100) {
            lastOverThreshold = now;
            panicking = true;
        }
        if (panicking) {
            desired = Math.max(desired, maxPanicInstances);
            maxPanicInstances = desired;
        }
        String detail = String.format(
                "%d request(s) waiting at zero / %.1f per instance -> wake %d now",
                queued, config.targetPerInstance(), desired);
        long nowSecond = now.getEpochSecond();
        return bounded(
                desired,
                panicking,
                ScaleReason.ACTIVATION,
                load.average(nowSecond, stableSeconds),
                load.average(nowSecond, panicSeconds),
                detail);
    }

    /** Applies the minimum and maximum, which override every other rule. */
    private ScaleDecision bounded(
            int desired, boolean panicking, ScaleReason reason, double stable, double panic, String detail) {
        if (desired < config.minInstances()) {
            return new ScaleDecision(
                    config.minInstances(),
                    panicking,
                    ScaleReason.MIN_INSTANCES,
                    stable,
                    panic,
                    detail + "; raised to minInstances " + config.minInstances());
        }
        if (config.maxInstances() > 0 && desired > config.maxInstances()) {
            return new ScaleDecision(
                    config.maxInstances(),
                    panicking,
                    ScaleReason.MAX_INSTANCES,
                    stable,
                    panic,
                    detail + "; lowered to maxInstances " + config.maxInstances());
        }
        return new ScaleDecision(desired, panicking, reason, stable, panic, detail);
    }

    private static int ceilCount(double instances) {
        return saturatedInt(Math.ceil(instances - EPSILON));
    }

    private static int saturatedInt(double value) {
        return value >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(0, value);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
