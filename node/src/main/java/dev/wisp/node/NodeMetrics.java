package dev.wisp.node;

import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.autoscaler.WakePath;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The node's own series, beside the router's in one Prometheus registry:
 * <ul>
 *   <li>{@code wisp_wakes_total{service,path}}: wakes by path (resume_paused, restore_snapshot,
 *       clone_template, cold_boot) and {@code wisp_wake_seconds{service,path}} (histogram): from
 *       the decision to wake until the instance is an endpoint;</li>
 *   <li>{@code wisp_wake_failures_total{service,path}};</li>
 *   <li>{@code wisp_instances{service,tier}}: instances by standby tier (running, paused,
 *       snapshotted);</li>
 *   <li>{@code wisp_standby_seconds{service,step}} (histogram): pause, snapshot and retire
 *       operations, including the drain before a pause;</li>
 *   <li>{@code wisp_capacity_refusals_total{service}}: wakes and scale-outs not started because
 *       the node's memory was full;</li>
 *   <li>{@code wisp_node_memory_mib{kind}}: guest memory {@code allocated} and the {@code limit}.</li>
 * </ul>
 */
final class NodeMetrics {
    private final PrometheusMeterRegistry registry;
    private volatile boolean closing;

    NodeMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    void wake(String service, WakePath path, Duration took) {
        Counter.builder("wisp.wakes")
                .description("Wakes of an instance, by the path taken")
                .tag("service", service)
                .tag("path", name(path))
                .register(registry)
                .increment();
        Timer.builder("wisp.wake")
                .description("From the decision to wake until the instance is an endpoint")
                .tag("service", service)
                .tag("path", name(path))
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    void wakeFailed(String service, WakePath path) {
        countWake(
                Counter.builder("wisp.wake.failures").description("Wakes that did not give an instance"),
                service,
                path);
    }

    void wakeRetried(String service, WakePath path) {
        countWake(
                Counter.builder("wisp.wake.retries")
                        .description(
                                "Tries of wakes that failed for a reason of the host and were tried again at once"),
                service,
                path);
    }

    private void countWake(Counter.Builder counter, String service, WakePath path) {
        counter.tag("service", service)
                .tag("path", name(path))
                .register(registry)
                .increment();
    }

    void capacityRefused(String service) {
        Counter.builder("wisp.capacity.refusals")
                .description("Wakes and scale-outs not started because the node's memory was full")
                .tag("service", service)
                .register(registry)
                .increment();
    }

    void capacity(Capacity capacity) {
        String help = "Guest memory allocated on the node and its limit, MiB";
        Gauge.builder("wisp.node.memory.mib", capacity, c -> c.allocatedMemoryMiB())
                .description(help)
                .tag("kind", "allocated")
                .register(registry);
        Gauge.builder("wisp.node.memory.mib", capacity, c -> c.limitMiB())
                .description(help)
                .tag("kind", "limit")
                .register(registry);
    }

    void standbyStep(String service, StandbyTier to, Duration took) {
        Timer.builder("wisp.standby")
                .description("Pause, snapshot and retire steps, a pause's drain included")
                .tag("service", service)
                .tag("step", name(to))
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    <T> void instances(String service, T controller, StandbyTier tier, ToDoubleFunction<T> count) {
        Gauge.builder("wisp.instances", controller, count)
                .description("Instances by standby tier")
                .tag("service", service)
                .tag("tier", name(tier))
                .strongReference(false)
                .register(registry);
    }

    /**
     * The node is closing: its registry goes with it, so removed services' meters are left in it.
     * Micrometer's remove scans every meter, and removing 10,000 services' meters one by one at
     * close took minutes.
     */
    void closing() {
        closing = true;
    }

    void forget(String service) {
        if (closing) {
            return;
        }
        registry.getMeters().stream()
                .filter(m -> service.equals(m.getId().getTag("service"))
                        && m.getId().getName().startsWith("wisp.")
                        && !m.getId().getName().startsWith("wisp.router"))
                .forEach(registry::remove);
    }

    static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
