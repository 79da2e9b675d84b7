package dev.wisp.router;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A thread-safe {@link ServiceBackend} that a platform pushes endpoint changes into: the ready
 * set, the parked set (paused instances whose router state is kept) and the limits. The router's
 * demand and failure signals go to the callbacks given at construction.
 *
 * <p>This is the router's seam for a platform that runs instances: hold one per service and
 * answer the router's {@link ServiceDirectory} lookups with it.
 */
public final class ServiceEndpoints implements ServiceBackend {
    private final String name;
    private final Consumer<Demand> onDemand;
    private final BiConsumer<Endpoint, Throwable> onFailure;
    private final CopyOnWriteArrayList<Runnable> watchers = new CopyOnWriteArrayList<>();
    private volatile ServiceLimits limits;
    private volatile List<Endpoint> endpoints = List.of();
    private volatile List<Endpoint> parked = List.of();
    private volatile String unavailable;
    private volatile WaitedRequest lastWaited;
    /** Endpoints removed because their instance died, newest last; guarded by this object. */
    private final LinkedHashSet<Endpoint> dead = new LinkedHashSet<>();
    /** How many dead endpoints are remembered: the router asks about one right after its removal. */
    static final int DEAD_REMEMBERED = 256;

    /**
     * @param onDemand called on a router event loop when a request finds no spare capacity; must
     *     not block
     * @param onFailure called on a router event loop when an endpoint refused a connection; must
     *     not block
     */
    public ServiceEndpoints(
            String name, ServiceLimits limits, Consumer<Demand> onDemand, BiConsumer<Endpoint, Throwable> onFailure) {
        this.name = Objects.requireNonNull(name);
        this.limits = Objects.requireNonNull(limits);
        this.onDemand = Objects.requireNonNull(onDemand);
        this.onFailure = Objects.requireNonNull(onFailure);
    }

    /** Replaces the ready endpoints. */
    public void set(Collection<Endpoint> ready) {
        synchronized (this) {
            endpoints = List.copyOf(ready);
        }
        changed();
    }

    /** Adds one ready endpoint (no-op if present); a parked one comes back into rotation. */
    public void add(Endpoint endpoint) {
        synchronized (this) {
            if (endpoints.contains(endpoint)) {
                return;
            }
            List<Endpoint> l = new ArrayList<>(endpoints);
            l.add(endpoint);
            endpoints = List.copyOf(l);
            parked = without(parked, endpoint);
        }
        changed();
    }

    /** Removes one endpoint, ready or parked (no-op if absent). */
    public void remove(Endpoint endpoint) {
        synchronized (this) {
            List<Endpoint> ready = without(endpoints, endpoint);
            List<Endpoint> p = without(parked, endpoint);
            if (ready == endpoints && p == parked) {
                return;
            }
            endpoints = ready;
            parked = p;
        }
        changed();
    }

    /**
     * Removes an endpoint whose instance died (ready or parked): besides taking it out of
     * rotation, the router closes its busy connections, failing the requests in flight over
     * ({@link ServiceBackend#died}).
     */
    public void removeDead(Endpoint endpoint) {
        synchronized (this) {
            dead.add(endpoint);
            if (dead.size() > DEAD_REMEMBERED) {
                dead.remove(dead.iterator().next());
            }
        }
        remove(endpoint);
    }

    @Override
    public synchronized boolean died(Endpoint endpoint) {
        return dead.contains(endpoint);
    }

    /**
     * Takes a ready endpoint out of rotation but keeps the router's state for it, because it will
     * come back with the same address ({@link #add} brings it back): a paused instance.
     */
    public void park(Endpoint endpoint) {
        synchronized (this) {
            List<Endpoint> ready = without(endpoints, endpoint);
            if (ready == endpoints) {
                return;
            }
            endpoints = ready;
            List<Endpoint> p = new ArrayList<>(parked);
            p.add(endpoint);
            parked = List.copyOf(p);
        }
        changed();
    }

    /**
     * Says why the service cannot start an instance now (null: it can): see {@link
     * ServiceBackend#unavailable()}.
     */
    public void unavailable(String reason) {
        if (Objects.equals(unavailable, reason)) {
            return;
        }
        unavailable = reason;
        changed();
    }

    @Override
    public String unavailable() {
        return unavailable;
    }

    /** Changes the limits. */
    public void limits(ServiceLimits newLimits) {
        limits = Objects.requireNonNull(newLimits);
        changed();
    }

    /** Tells the router to re-read this service (after it was removed from a directory, say). */
    public void changed() {
        for (Runnable r : watchers) {
            r.run();
        }
    }

    /** Copies the endpoint sets of an earlier definition of the same service. */
    void takeOver(ServiceEndpoints old) {
        synchronized (this) {
            endpoints = old.endpoints;
            parked = old.parked;
            unavailable = old.unavailable;
        }
    }

    /** The list without {@code endpoint}, or the same list if it was not there. */
    private static List<Endpoint> without(List<Endpoint> list, Endpoint endpoint) {
        if (!list.contains(endpoint)) {
            return list;
        }
        List<Endpoint> l = new ArrayList<>(list);
        l.remove(endpoint);
        return List.copyOf(l);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public List<Endpoint> parked() {
        return parked;
    }

    @Override
    public AutoCloseable watch(Runnable onChange) {
        watchers.add(onChange);
        return () -> watchers.remove(onChange);
    }

    @Override
    public void demand(Demand demand) {
        onDemand.accept(demand);
    }

    @Override
    public void endpointFailed(Endpoint endpoint, Throwable cause) {
        onFailure.accept(endpoint, cause);
    }

    @Override
    public void waited(WaitedRequest request) {
        lastWaited = request;
    }

    /** The last request that waited for capacity and was answered, or null. */
    public WaitedRequest lastWaited() {
        return lastWaited;
    }

    @Override
    public ServiceLimits limits() {
        return limits;
    }
}
