package dev.wisp.router;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A thread-safe in-memory {@link ServiceDirectory} of {@link ServiceEndpoints} by name, for
 * embedding the router (tests, benchmarks, {@code wisp serve}-like set-ups) without writing a
 * directory: define services, push endpoint changes by name.
 */
public final class ServiceTable implements ServiceDirectory {

    private final ConcurrentHashMap<String, ServiceEndpoints> services = new ConcurrentHashMap<>();

    /**
     * Defines (or replaces) a service; a replaced one keeps its endpoints.
     *
     * @param onDemand called on a router event loop when a request finds no spare capacity; must
     *     not block
     * @param onFailure called on a router event loop when an endpoint refused a connection; must
     *     not block
     */
    public ServiceTable define(
            String name, ServiceLimits limits, Consumer<Demand> onDemand, BiConsumer<Endpoint, Throwable> onFailure) {
        ServiceEndpoints e = new ServiceEndpoints(name, limits, onDemand, onFailure);
        ServiceEndpoints old = services.put(name, e);
        if (old != null) {
            e.takeOver(old);
        }
        return this;
    }

    /** Defines a service with default limits and no listeners. */
    public ServiceTable define(String name) {
        return define(name, ServiceLimits.DEFAULTS, d -> {}, (ep, t) -> {});
    }

    /** Replaces the service's ready endpoints. */
    public void setEndpoints(String name, Collection<Endpoint> endpoints) {
        entry(name).set(endpoints);
    }

    /** Adds one ready endpoint (no-op if present). */
    public void addEndpoint(String name, Endpoint endpoint) {
        entry(name).add(endpoint);
    }

    /** Removes one endpoint, ready or parked (no-op if absent). */
    public void removeEndpoint(String name, Endpoint endpoint) {
        entry(name).remove(endpoint);
    }

    /** Removes an endpoint whose instance died: see {@link ServiceEndpoints#removeDead}. */
    public void removeDeadEndpoint(String name, Endpoint endpoint) {
        entry(name).removeDead(endpoint);
    }

    /** Parks a ready endpoint: see {@link ServiceEndpoints#park}. */
    public void parkEndpoint(String name, Endpoint endpoint) {
        entry(name).park(endpoint);
    }

    /** Changes the service's limits. */
    public void setLimits(String name, ServiceLimits limits) {
        entry(name).limits(limits);
    }

    /** Removes the service: further requests get 404. */
    public void remove(String name) {
        ServiceEndpoints e = services.remove(name);
        if (e != null) {
            e.changed();
        }
    }

    @Override
    public ServiceBackend lookup(String service) {
        return services.get(service);
    }

    private ServiceEndpoints entry(String name) {
        ServiceEndpoints e = services.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown service: " + name);
        }
        return e;
    }
}
