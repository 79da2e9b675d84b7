package dev.wisp.router;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-service admission limits the router enforces (the Knative queue-proxy/activator role).
 *
 * <p>Defaults follow the peers users already know: the hard limit is Unikraft Cloud's default
 * {@code hard_limit} of 65535 in-flight requests per instance (in practice "unlimited", so an
 * instance is protected only when the operator sets a real figure, as with Knative's default
 * {@code containerConcurrency: 0}); the soft limit is off (the router signals demand only when a
 * request has to wait, and the autoscaler reads concurrency from {@link RouterServer#snapshot()});
 * the buffer holds 1000 requests per service for up to 30 s.
 *
 * @param hardLimit max in-flight requests per endpoint; beyond it requests wait in the buffer.
 *     0 means unlimited.
 * @param softLimit in-flight requests per endpoint above which the endpoint no longer has "spare
 *     capacity": when no endpoint has spare capacity the router calls {@link
 *     ServiceBackend#demand}. 0 means "same as the hard limit".
 * @param queueCapacity max requests waiting for this service; a request arriving to a full
 *     buffer is answered 503 at once. 0 disables waiting (503 as soon as no endpoint can take it).
 * @param queueTimeout how long a request may wait for an endpoint before it is answered 503
 * @param responseTimeout how long an instance may take, once the request is sent, to begin its
 *     response before the router answers 504 and counts the timeout against that instance
 *     ({@code wisp_router_upstream_timeouts_total}); {@link Duration#ZERO}: only the router's
 *     upstream idle timeout applies. Off by default here; the control plane sets 30 s.
 */
public record ServiceLimits(
        int hardLimit, int softLimit, int queueCapacity, Duration queueTimeout, Duration responseTimeout) {

    /** Unikraft Cloud's default hard limit. */
    public static final int DEFAULT_HARD_LIMIT = 65535;

    public static final ServiceLimits DEFAULTS =
            new ServiceLimits(DEFAULT_HARD_LIMIT, 0, 1000, Duration.ofSeconds(30), Duration.ZERO);

    public ServiceLimits {
        if (hardLimit < 0 || softLimit < 0 || queueCapacity < 0) {
            throw new IllegalArgumentException("limits must be >= 0");
        }
        Objects.requireNonNull(queueTimeout, "queueTimeout");
        if (queueTimeout.isNegative() || queueTimeout.isZero()) {
            throw new IllegalArgumentException("queueTimeout must be > 0");
        }
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        if (responseTimeout.isNegative()) {
            throw new IllegalArgumentException("responseTimeout must be >= 0");
        }
    }

    public ServiceLimits withHardLimit(int v) {
        return new ServiceLimits(v, softLimit, queueCapacity, queueTimeout, responseTimeout);
    }

    public ServiceLimits withSoftLimit(int v) {
        return new ServiceLimits(hardLimit, v, queueCapacity, queueTimeout, responseTimeout);
    }

    public ServiceLimits withQueueCapacity(int v) {
        return new ServiceLimits(hardLimit, softLimit, v, queueTimeout, responseTimeout);
    }

    public ServiceLimits withQueueTimeout(Duration v) {
        return new ServiceLimits(hardLimit, softLimit, queueCapacity, v, responseTimeout);
    }

    public ServiceLimits withResponseTimeout(Duration v) {
        return new ServiceLimits(hardLimit, softLimit, queueCapacity, queueTimeout, v);
    }

    /** In-flight level at which an endpoint stops counting as having spare capacity; 0 = never. */
    int spareThreshold() {
        return softLimit > 0 ? (hardLimit > 0 ? Math.min(softLimit, hardLimit) : softLimit) : hardLimit;
    }
}
