package dev.wisp.router;

import java.net.InetSocketAddress;

/**
 * The router's bookkeeping for one {@link Endpoint}: in-flight count for least-outstanding
 * balancing and the hard limit, the "suspect" mark after a refused connection, and its meters.
 * Mutable fields are guarded by the owning {@link ServiceState}'s lock; {@code inFlightView} is
 * a copy for lock-free readers (gauges, snapshots).
 */
final class EndpointState {
    final Endpoint endpoint;
    /** Resolved once when the endpoint is announced, so the event loop never does DNS. */
    final InetSocketAddress address;

    final RouterMetrics.EndpointMeters meters;

    int inFlight;
    volatile int inFlightView;
    long suspectUntilNanos;
    boolean removed;
    /** Set before the router forgets the endpoint: its instance died, so busy connections go too. */
    volatile boolean died;

    EndpointState(Endpoint endpoint, InetSocketAddress address, RouterMetrics metrics, String service) {
        this.endpoint = endpoint;
        this.address = address;
        this.meters = metrics.endpoint(service, endpoint.instanceId(), () -> inFlightView);
    }

    boolean suspect(long now) {
        return suspectUntilNanos != 0 && now - suspectUntilNanos < 0;
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
