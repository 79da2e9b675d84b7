package dev.wisp.control;

/**
 * A service's autoscaler and per-instance request settings in API form (docs/api.md); see {@code
 * AutoscalerConfig} and the router's {@code ServiceLimits}.
 *
 * <p>Defaults suit small microVMs rather than Knative's containers: a target of 10 concurrent
 * requests per instance (Knative's 100 assumes a container with a share of a big host; one vCPU
 * running a typical app is saturated far below that, Fly's default soft limit is 20 and
 * Unikraft Cloud's 1), so at 70 % utilisation an instance carrying 7 in flight asks for another.
 * {@code concurrency} is the hard limit per instance (0: none; requests beyond it wait in the
 * router), {@code timeout} how long an instance may take to begin its response before the
 * router answers 504 (Heroku's router allows 30 s).
 */
record Scaling(
        int min,
        int max,
        int initial,
        double target,
        double utilization,
        String stableWindow,
        double panicWindowPercent,
        double panicThreshold,
        double maxScaleUpRate,
        double maxScaleDownRate,
        String scaleToZeroGrace,
        int concurrency,
        String timeout) {
    static final String DEFAULT_TIMEOUT = "30s";
    static final Scaling DEFAULT = new Scaling(0, 10, 1, 10, 0.7, "60s", 10, 2.0, 1000, 2, "30s", 0, DEFAULT_TIMEOUT);

    /** Records stored before {@code concurrency} and {@code timeout} existed read as the defaults. */
    Scaling {
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }
}
