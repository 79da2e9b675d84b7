package dev.wisp.sdk;

/**
 * Autoscaler and per-instance request settings of a service; windows, graces and the timeout are
 * duration strings such as {@code "60s"}. Null fields are left unchanged on PATCH.
 * {@code concurrency} is the most requests one instance gets at once (0: no limit; the rest wait
 * in the router), {@code timeout} how long an instance may take to begin its response before the
 * router answers 504.
 */
@ApiShape
public record Scaling(
        Integer min,
        Integer max,
        Integer initial,
        Double target,
        Double utilization,
        String stableWindow,
        Double panicWindowPercent,
        Double panicThreshold,
        Double maxScaleUpRate,
        Double maxScaleDownRate,
        String scaleToZeroGrace,
        Integer concurrency,
        String timeout) {
    /** Just the limits (null ones unchanged on PATCH): minimum and maximum instances, target concurrency. */
    public static Scaling limits(Integer min, Integer max, Double target) {
        return new Scaling(min, max, null, target, null, null, null, null, null, null, null, null, null);
    }

    /** These settings with the per-instance request limits (null ones unchanged on PATCH). */
    public Scaling withRequests(Integer concurrency, String timeout) {
        return new Scaling(
                min,
                max,
                initial,
                target,
                utilization,
                stableWindow,
                panicWindowPercent,
                panicThreshold,
                maxScaleUpRate,
                maxScaleDownRate,
                scaleToZeroGrace,
                concurrency,
                timeout);
    }
}
