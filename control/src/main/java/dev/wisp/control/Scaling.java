package dev.wisp.control;

/** A service's autoscaler settings in API form (docs/api.md); see {@code AutoscalerConfig}. */
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
        String scaleToZeroGrace) {
    static final Scaling DEFAULT = new Scaling(0, 10, 1, 100, 0.7, "60s", 10, 2.0, 1000, 2, "30s");
}
