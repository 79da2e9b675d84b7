package dev.wisp.router;

import java.util.List;

/**
 * One service as the platform presents it to the router: the seam between the router and the
 * runtime/autoscaler. The router never sees instances, VMs or images, only this.
 *
 * <h2>Threading</h2>
 *
 * <ul>
 *   <li>{@link #endpoints()} and {@link #limits()} are read when the router first meets the
 *       service and again after each change notification; they may be called from any thread
 *       and must return quickly (return an immutable snapshot).
 *   <li>{@link #demand} and {@link #endpointFailed} are called on a router event loop thread,
 *       possibly once per request under load: they must not block (set a flag, enqueue, wake a
 *       scaler thread).
 * </ul>
 *
 * <p>{@link ServiceTable} is a ready-made thread-safe implementation.
 */
public interface ServiceBackend {

    /** Service name, as returned by the {@link ServiceResolver}. */
    String name();

    /** The current set of ready endpoints (immutable snapshot). Empty when scaled to zero. */
    List<Endpoint> endpoints();

    /**
     * Registers a callback to run after {@link #endpoints()} or {@link #limits()} changed. The
     * router re-reads both when it runs. Called once per service the router meets.
     *
     * @return handle the router closes when it forgets the service or shuts down
     */
    AutoCloseable watch(Runnable onChange);

    /**
     * Called at once, on the request's arrival, when no endpoint has spare capacity, including
     * the first request to a service at zero. Idempotence is the platform's job: the router calls
     * it once per such request.
     */
    void demand(Demand demand);

    /**
     * Called when the router could not connect to an endpoint (refused, unreachable, connect
     * timeout). The router already avoids the endpoint for a few seconds; the platform may want to
     * health-check or replace the instance.
     */
    default void endpointFailed(Endpoint endpoint, Throwable cause) {}

    /**
     * Endpoints that take no requests now but are expected back with the same address (a paused
     * instance). The router keeps their state (meters, pooled connections) so that their return
     * costs no set-up on the wake path. Read with {@link #endpoints()}.
     */
    default List<Endpoint> parked() {
        return List.of();
    }

    /**
     * Why the service cannot start an instance now (its starts fail and it is backing off), or
     * null. While it is set and no endpoint is ready, the router answers the service's requests
     * 503 at once with this reason (waiting ones too) instead of holding them for the queue
     * timeout. Read again after each change notification.
     */
    default String unavailable() {
        return null;
    }

    /**
     * A request that waited for capacity (it found no endpoint with room) has been answered:
     * when it passed each step in the router. On a router event loop; must not block.
     */
    default void waited(WaitedRequest request) {}

    /**
     * Whether an endpoint that is no longer announced went because its instance died (its VMM
     * exited), rather than being drained or paused. The router asks when it sees an endpoint go;
     * for a dead one it closes the busy upstream connections too, not only the idle ones, so
     * requests in flight fail over at once: a killed guest behind a TAP device never resets
     * them, and they would otherwise wait for the response timeout.
     */
    default boolean died(Endpoint endpoint) {
        return false;
    }

    /** Admission limits for this service; read again after each change notification. */
    default ServiceLimits limits() {
        return ServiceLimits.DEFAULTS;
    }
}
