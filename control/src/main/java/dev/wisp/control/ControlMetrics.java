package dev.wisp.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's own series: API requests by route template (never the raw path, so a
 * client cannot mint series) and reconcile passes. Scraped with the node's on {@code /metrics}.
 */
final class ControlMetrics {
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final MeterRegistry registry;
    private final Timer passes;
    private final Counter passFailures;

    ControlMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.passes = Timer.builder("wisp.control.reconcile.duration")
                .description("Reconcile passes: desired state in the store against the node")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        this.passFailures = Counter.builder("wisp.control.reconcile.failures")
                .description("Reconcile passes that ended in an error (retried at the next pass)")
                .register(registry);
    }

    /** One API request answered; {@code route} is the matched template, "dashboard" or "unmatched". */
    void request(String method, String route, int status, long nanos) {
        int c = status / 100 - 1;
        Timer.builder("wisp.api.request.duration")
                .description("API requests by method, route template and status class")
                .tags(
                        "method",
                        METHODS.contains(method) ? method : "other",
                        "route",
                        route,
                        "status",
                        c >= 0 && c < 5 ? STATUS_CLASSES[c] : "other")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void reconciled(long nanos, boolean failed) {
        passes.record(nanos, TimeUnit.NANOSECONDS);
        if (failed) {
            passFailures.increment();
        }
    }
}
