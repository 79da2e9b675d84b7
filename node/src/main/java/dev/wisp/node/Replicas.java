package dev.wisp.node;

import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.router.Endpoint;
import dev.wisp.router.ServiceEndpoints;
import dev.wisp.router.ServiceLoad;
import dev.wisp.router.ServiceLoads;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One service's replicas and what the router sees of them: which instance is routed, parked
 * (paused, its router state kept) or out of rotation, and how many are on their way up.
 * Changes that must agree with each other are made under the controller's monitor.
 */
final class Replicas {
    private static final System.Logger LOG = System.getLogger(Replicas.class.getName());

    private final ServiceScope scope;
    private final ServiceEndpoints endpoints;
    private final ServiceLoads loads;
    private final Map<String, Replica> byId = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    /** Wakes started and not yet finished. */
    final AtomicInteger waking = new AtomicInteger();

    Replicas(ServiceScope scope, ServiceEndpoints endpoints, ServiceLoads loads) {
        this.scope = scope;
        this.endpoints = endpoints;
        this.loads = loads;
    }

    Replica get(String id) {
        return byId.get(id);
    }

    Collection<Replica> all() {
        return byId.values();
    }

    void add(Replica r) {
        byId.put(r.id, r);
    }

    /** Removes {@code r} if it is still the replica of its id. */
    boolean remove(Replica r) {
        return byId.remove(r.id, r);
    }

    void clear() {
        byId.clear();
    }

    /**
     * A replica whose VM is gone: out of the router and the books, its memory released. The
     * router is told it died, so it fails the requests in flight on it over at once instead of
     * waiting for an answer that will not come (on TAP no reset reaches it either). A replica
     * being woken is left to its wake, which tries again or gives it up itself ({@link Wakes}).
     */
    void forget(Replica r, String why) {
        if (!r.waking && remove(r)) {
            unroute(r, true);
            scope.capacity().release(r.id);
            scope.changed(r.id, NodeMetrics.name(r.tier), "gone", "lost", Duration.ZERO);
            LOG.log(System.Logger.Level.WARNING, "{0}: instance {1} lost: {2}", scope.name(), r.id, why);
        }
    }

    /**
     * Puts a new replica on standby at the warm template instead of starting a VM, when the
     * service's policy snapshots idle instances at once: a fresh clone would only be cloned,
     * paused and snapshotted, ending as the template plus its reseed. False (nothing added)
     * otherwise, or without a template.
     */
    boolean standAtTemplate(boolean templateReady) {
        StandbyPolicy policy = scope.spec().standby();
        if (!templateReady
                || policy.mode() != StandbyMode.SNAPSHOT
                || !policy.snapshotAfter().isZero()) {
            return false;
        }
        Replica r = Replica.atTemplate(nextId(), scope.clock().instant());
        add(r);
        scope.changed(r.id, "none", "snapshotted", "template", Duration.ZERO);
        return true;
    }

    // ---- what the router sees ----------------------------------------------------------------

    void route(Replica r) {
        // Loopback on user networking, the VM's veth address on TAP.
        Endpoint e = new Endpoint(r.id, r.instance.address(), r.instance.hostPort());
        if (r.parked != null && !r.parked.equals(e)) {
            endpoints.remove(r.parked);
        }
        r.parked = null;
        r.endpoint = e;
        endpoints.add(e);
    }

    void unroute(Replica r) {
        unroute(r, false);
    }

    /** Out of the router as an instance that died: requests in flight on it fail over at once. */
    void unrouteDead(Replica r) {
        unroute(r, true);
    }

    private void unroute(Replica r, boolean died) {
        for (Endpoint e : new Endpoint[] {r.endpoint, r.parked}) {
            if (e != null && died) {
                endpoints.removeDead(e);
            } else if (e != null) {
                endpoints.remove(e);
            }
        }
        r.endpoint = null;
        r.parked = null;
    }

    /** Out of rotation while paused; the router keeps the endpoint's state for the wake. */
    void park(Replica r) {
        Endpoint e = r.endpoint;
        r.endpoint = null;
        if (e != null) {
            r.parked = e;
            endpoints.park(e);
        }
    }

    /** Takes every endpoint out of rotation: new and queued requests wait for the queue timeout. */
    void unrouteAll() {
        endpoints.set(java.util.List.of());
    }

    /** The router's load figures for the service; null before its first request. */
    ServiceLoad load() {
        return loads.snapshot(scope.name());
    }

    /** Waits until the router has no request in flight to this instance (it gets no new ones). */
    void drain(Replica r, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceLoad load = load();
            if (load == null || load.inFlightByInstance().getOrDefault(r.id, 0) == 0) {
                return;
            }
            sleep(5);
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "{0}: {1} still busy after {2} s of draining; pausing anyway",
                scope.name(),
                r.id,
                timeout.toSeconds());
    }

    // ---- counts ------------------------------------------------------------------------------

    /** Instances in any tier, including those being created: the autoscaler's view of capacity. */
    int existing() {
        return byId.size();
    }

    /** Instances the router can send requests to now. */
    int running() {
        return (int) byId.values().stream().filter(r -> r.endpoint != null).count();
    }

    int count(StandbyTier tier) {
        return (int) byId.values().stream().filter(r -> r.tier == tier).count();
    }

    boolean withinMax() {
        int max = scope.spec().scaling().maxInstances();
        return max == 0 || byId.size() < max;
    }

    String nextId() {
        String id;
        do {
            id = scope.name() + "-" + sequence.incrementAndGet();
        } while (byId.containsKey(id));
        return id;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
