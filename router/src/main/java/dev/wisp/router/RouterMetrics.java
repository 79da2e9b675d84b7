package dev.wisp.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The router's Micrometer meters, registered in a Prometheus registry (passed in or created).
 *
 * <p>Series (all tagged {@code service}; request series also {@code instance}, which is
 * {@code none} for answers the router gave itself, e.g. 404/503, except a 504 for an instance
 * that did not answer in time, which is counted against that instance):
 *
 * <ul>
 *   <li>{@code wisp_router_requests_total{service,instance,status="2xx"}}
 *   <li>{@code wisp_router_request_duration_seconds} histogram (percentile buckets)
 *   <li>{@code wisp_router_service_in_flight}, {@code wisp_router_endpoint_in_flight}
 *   <li>{@code wisp_router_queue_depth}, {@code wisp_router_queue_wait_seconds} histogram
 *   <li>{@code wisp_router_upstream_connect_failures_total}, {@code wisp_router_retries_total}
 *   <li>{@code wisp_router_upstream_timeouts_total{service,instance}}: 504s, one per request whose
 *       instance did not begin its response within the service's response timeout
 * </ul>
 *
 * <p>Requests for unknown services are counted under {@code service="_unknown"} so that random
 * Host headers cannot create series.
 */
public final class RouterMetrics {

    static final String UNKNOWN_SERVICE = "_unknown";
    static final String NO_INSTANCE = "none";
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final PrometheusMeterRegistry registry;
    private final RequestMeters unknown;

    RouterMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.unknown = new RequestMeters(UNKNOWN_SERVICE, NO_INSTANCE, new ArrayList<>());
    }

    /** The registry the meters live in (to add it to a composite or expose it elsewhere). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Renders every meter of the registry in the Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    RequestMeters unknownService() {
        return unknown;
    }

    ServiceMeters service(String service, IntSupplier inFlight, IntSupplier queued) {
        return new ServiceMeters(service, inFlight, queued);
    }

    EndpointMeters endpoint(String service, String instance, IntSupplier inFlight) {
        return new EndpointMeters(service, instance, inFlight);
    }

    private Gauge gauge(String name, String description, Tags tags, IntSupplier value) {
        return Gauge.builder(name, value, IntSupplier::getAsInt)
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** A latency histogram with percentile buckets from 1 ms to 60 s. */
    private Timer latencyTimer(String name, String description, Tags tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    private void removeAll(List<Meter> meters) {
        for (Meter m : meters) {
            registry.remove(m);
        }
    }

    /** Request counters by status class plus the latency histogram for one (service, instance). */
    final class RequestMeters {
        private final Counter[] byClass = new Counter[STATUS_CLASSES.length];
        private final Timer latency;

        RequestMeters(String service, String instance, List<Meter> owned) {
            for (int i = 0; i < STATUS_CLASSES.length; i++) {
                byClass[i] = counter(
                        "wisp.router.requests",
                        "Requests answered, by status class",
                        Tags.of("service", service, "instance", instance, "status", STATUS_CLASSES[i]));
                owned.add(byClass[i]);
            }
            latency = latencyTimer(
                    "wisp.router.request.duration",
                    "Time from request head received to response end sent",
                    Tags.of("service", service, "instance", instance));
            owned.add(latency);
        }

        void record(int status, long nanos) {
            int cls = status / 100 - 1;
            if (cls >= 0 && cls < byClass.length) {
                byClass[cls].increment();
            }
            latency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private Counter counter(String name, String description, Tags tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** Meters registered for one thing (a service, an endpoint); {@link #close()} unregisters them. */
    abstract class OwnedMeters implements AutoCloseable {
        final List<Meter> owned = new ArrayList<>();

        /** Registers {@code meter} as one of these. */
        <M extends Meter> M own(M meter) {
            owned.add(meter);
            return meter;
        }

        @Override
        public void close() {
            removeAll(owned);
        }
    }

    /** Per-service gauges and timers. */
    final class ServiceMeters extends OwnedMeters {
        final RequestMeters local;
        final Timer queueWait;
        final Counter retries;

        ServiceMeters(String service, IntSupplier inFlight, IntSupplier queued) {
            Tags tags = Tags.of("service", service);
            own(gauge("wisp.router.service.in.flight", "Requests being proxied to the service", tags, inFlight));
            own(gauge("wisp.router.queue.depth", "Requests waiting for an endpoint", tags, queued));
            queueWait =
                    own(latencyTimer("wisp.router.queue.wait", "Time requests spent waiting for an endpoint", tags));
            retries = own(counter(
                    "wisp.router.retries",
                    "Requests sent again: after a failed connect, or (idempotent ones) a reset before the response",
                    tags));
            local = new RequestMeters(service, NO_INSTANCE, owned);
        }
    }

    /** Per-endpoint meters, unregistered when the endpoint goes away. */
    final class EndpointMeters extends OwnedMeters {
        final RequestMeters requests;
        final Counter connectFailures;
        final Counter upstreamTimeouts;

        EndpointMeters(String service, String instance, IntSupplier inFlight) {
            Tags tags = Tags.of("service", service, "instance", instance);
            own(gauge("wisp.router.endpoint.in.flight", "Requests being proxied to the endpoint", tags, inFlight));
            connectFailures = own(counter(
                    "wisp.router.upstream.connect.failures", "Failed connection attempts to the endpoint", tags));
            upstreamTimeouts = own(counter(
                    "wisp.router.upstream.timeouts",
                    "Requests answered 504: the instance did not begin its response in time",
                    tags));
            requests = new RequestMeters(service, instance, owned);
        }
    }
}
