package dev.wisp.autoscaler;

/**
 * What the router measures and the {@link Autoscaler} scales on, as Knative's
 * {@code autoscaling.knative.dev/metric}.
 */
public enum Metric {
    /**
     * Requests in flight plus requests queued for the service, summed over its instances. The
     * default: it tracks load for both fast and slow requests without knowing their latency.
     * Default per-instance target: 100.
     */
    CONCURRENCY(100),
    /**
     * Requests per second arriving for the service. Better when requests are so short that
     * concurrency stays near zero. Default per-instance target: 200, as Knative.
     */
    RPS(200);

    private final double defaultTarget;

    Metric(double defaultTarget) {
        this.defaultTarget = defaultTarget;
    }

    /** The per-instance target used when the config does not set one. */
    public double defaultTarget() {
        return defaultTarget;
    }
}
