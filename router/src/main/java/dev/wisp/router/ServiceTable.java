package dev.wisp.router;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A thread-safe in-memory {@link ServiceDirectory}: the platform pushes endpoint changes into it
 * and receives the router's demand and failure signals from it. Enough for the runtime to
 * drive the router without implementing {@link ServiceBackend} itself.
 */
public final class ServiceTable implements ServiceDirectory {

  private final ConcurrentHashMap<String, Entry> services = new ConcurrentHashMap<>();

  /**
   * Defines (or replaces) a service.
   *
   * @param onDemand called on a router event loop when a request finds no spare capacity; must
   *     not block
   * @param onFailure called on a router event loop when an endpoint refused a connection; must
   *     not block
   */
  public ServiceTable define(
      String name,
      ServiceLimits limits,
      Consumer<Demand> onDemand,
      BiConsumer<Endpoint, Throwable> onFailure) {
    Entry e = new Entry(name, limits, onDemand, onFailure);
    Entry old = services.put(name, e);
    if (old != null) {
      e.endpoints = old.endpoints;
      e.parked = old.parked;
    }
    return this;
  }

  /** Defines a service with default limits and no listeners. */
  public ServiceTable define(String name) {
    return define(name, ServiceLimits.DEFAULTS, d -> {}, (ep, t) -> {});
  }

  /** Replaces the service's ready endpoints. */
  public void setEndpoints(String name, Collection<Endpoint> endpoints) {
    Entry e = entry(name);
    synchronized (e) {
      e.endpoints = List.copyOf(endpoints);
    }
    e.changed();
  }

  /** Adds one ready endpoint (no-op if present). */
  public void addEndpoint(String name, Endpoint endpoint) {
    Entry e = entry(name);
    synchronized (e) {
      if (e.endpoints.contains(endpoint)) {
        return;
      }
      List<Endpoint> l = new ArrayList<>(e.endpoints);
      l.add(endpoint);
      e.endpoints = List.copyOf(l);
      e.parked = without(e.parked, endpoint);
    }
    e.changed();
  }

  /** Removes one endpoint, ready or parked (no-op if absent). */
  public void removeEndpoint(String name, Endpoint endpoint) {
    Entry e = entry(name);
    synchronized (e) {
      List<Endpoint> ready = without(e.endpoints, endpoint);
      List<Endpoint> parked = without(e.parked, endpoint);
      if (ready == e.endpoints && parked == e.parked) {
        return;
      }
      e.endpoints = ready;
      e.parked = parked;
    }
    e.changed();
  }

  /**
   * Takes a ready endpoint out of rotation but keeps the router's state for it, because it will
   * come back with the same address ({@link #addEndpoint} brings it back): a paused instance.
   */
  public void parkEndpoint(String name, Endpoint endpoint) {
    Entry e = entry(name);
    synchronized (e) {
      List<Endpoint> ready = without(e.endpoints, endpoint);
      if (ready == e.endpoints) {
        return;
      }
      e.endpoints = ready;
      List<Endpoint> parked = new ArrayList<>(e.parked);
      parked.add(endpoint);
      e.parked = List.copyOf(parked);
    }
    e.changed();
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

  /** Changes the service's limits. */
  public void setLimits(String name, ServiceLimits limits) {
    Entry e = entry(name);
    e.limits = Objects.requireNonNull(limits);
    e.changed();
  }

  /** Removes the service: further requests get 404. */
  public void remove(String name) {
    Entry e = services.remove(name);
    if (e != null) {
      e.changed();
    }
  }

  @Override
  public ServiceBackend lookup(String service) {
    return services.get(service);
  }

  private Entry entry(String name) {
    Entry e = services.get(name);
    if (e == null) {
      throw new IllegalArgumentException("unknown service: " + name);
    }
    return e;
  }

  private static final class Entry implements ServiceBackend {
    private final String name;
    private final Consumer<Demand> onDemand;
    private final BiConsumer<Endpoint, Throwable> onFailure;
    private final CopyOnWriteArrayList<Runnable> watchers = new CopyOnWriteArrayList<>();
    private volatile ServiceLimits limits;
    private volatile List<Endpoint> endpoints = List.of();
    private volatile List<Endpoint> parked = List.of();

    Entry(String name, ServiceLimits limits, Consumer<Demand> onDemand,
        BiConsumer<Endpoint, Throwable> onFailure) {
      this.name = Objects.requireNonNull(name);
      this.limits = Objects.requireNonNull(limits);
      this.onDemand = Objects.requireNonNull(onDemand);
      this.onFailure = Objects.requireNonNull(onFailure);
    }

    void changed() {
      for (Runnable r : watchers) {
        r.run();
      }
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
    public ServiceLimits limits() {
      return limits;
    }
  }
}
