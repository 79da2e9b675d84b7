package dev.wisp.router;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The router's side of one service: its ready endpoints, least-outstanding power-of-two-choices
 * balancing under a per-endpoint hard limit, and the bounded FIFO wait buffer (the activator).
 *
 * <p>All admission decisions take one short lock per service. A lock rather than lock-free
 * counters because admission must be FIFO: once a request waits, later arrivals queue behind
 * it instead of racing it for the next free slot, and "is the buffer empty, else pick" must be
 * one atomic step. Callbacks into the platform ({@code demand}, {@code endpointFailed}) and
 * hand-offs to event loops run after the lock is released.
 */
final class ServiceState {
  private static final Logger LOG = Logger.getLogger(ServiceState.class.getName());
  /** How long an endpoint that refused a connection is avoided (unless nothing else is left). */
  static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final EndpointState[] NONE = new EndpointState[0];

  final String name;
  final ServiceBackend backend;
  final RouterMetrics.ServiceMeters meters;
  private final RouterMetrics metrics;
  private final Consumer<EndpointState> onRemoved;

  private final ReentrantLock lock = new ReentrantLock();
  private EndpointState[] endpoints = NONE;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private ServiceLimits limits;
  /** The platform's reason the service cannot start an instance, or null (see ServiceBackend). */
  private String unavailable;
  private int inFlight;
  /** Endpoints below the spare-capacity threshold; maintained incrementally under the lock. */
  private int spare;
  /** Queued waiters that avoid an endpoint (retries); while there are any, dispatch looks past them. */
  private int avoiders;

  private volatile EndpointState[] endpointsView = NONE;
  /**
   * Endpoints out of rotation that the platform expects back (paused instances): their meters
   * and pooled connections are kept so that a wake sets nothing up. Guarded by this object.
   */
  private Map<Endpoint, EndpointState> parked = Map.of();
  private volatile int inFlightView;
  private volatile int queuedView;
  private final LongAdder requests = new LongAdder();
  private volatile boolean closed;
  private AutoCloseable subscription;

  ServiceState(String name, ServiceBackend backend, RouterMetrics metrics,
      Consumer<EndpointState> onRemoved) {
    this.name = name;
    this.backend = backend;
    this.metrics = metrics;
    this.onRemoved = onRemoved;
    this.limits = ServiceLimits.DEFAULTS;
    this.meters = metrics.service(name, () -> inFlightView, () -> queuedView);
  }

  /** Subscribes to changes first, then reads, so no change between the two is missed. */
  void open() {
    subscription = backend.watch(this::refresh);
    refresh();
  }

  /** Re-reads endpoints and limits from the platform; may release waiters. Any thread. */
  synchronized void refresh() {
    if (closed) {
      return;
    }
    List<Endpoint> announced = backend.endpoints();
    Set<Endpoint> parkedNow = new HashSet<>(backend.parked());
    ServiceLimits newLimits = backend.limits();
    String why = backend.unavailable();
    Map<Endpoint, EndpointState> known = new HashMap<>(parked);
    for (EndpointState s : endpointsView) {
      known.put(s.endpoint, s);
    }
    List<EndpointState> next = new ArrayList<>(announced.size());
    for (Endpoint e : new LinkedHashSet<>(announced)) {
      EndpointState s = known.remove(e);
      // New endpoints are resolved here, on the platform's thread, never on an event loop.
      next.add(s != null ? s : new EndpointState(e, new InetSocketAddress(e.host(), e.port()),
          metrics, name));
    }
    Map<Endpoint, EndpointState> stillParked = new HashMap<>();
    List<EndpointState> gone = new ArrayList<>();
    for (EndpointState s : known.values()) {
      if (parkedNow.contains(s.endpoint)) {
        stillParked.put(s.endpoint, s);
      } else {
        gone.add(s);
      }
    }
    parked = stillParked;
    ArrayList<Grant> grants;
    ArrayList<Waiter> refused = null;
    lock.lock();
    try {
      limits = newLimits != null ? newLimits : ServiceLimits.DEFAULTS;
      unavailable = why;
      for (EndpointState s : known.values()) {
        s.removed = true;
      }
      for (EndpointState s : next) {
        s.removed = false;
      }
      endpoints = next.toArray(NONE);
      endpointsView = endpoints;
      int threshold = limits.spareThreshold();
      spare = 0;
      for (EndpointState s : endpoints) {
        if (threshold == 0 || s.inFlight < threshold) {
          spare++;
        }
      }
      grants = dispatchLocked(System.nanoTime());
      if (why != null && endpoints.length == 0 && !queue.isEmpty()) {
        refused = new ArrayList<>(queue);
        queue.clear();
        avoiders = 0;
        queuedView = 0;
      }
    } finally {
      lock.unlock();
    }
    fire(grants);
    if (refused != null) {
      for (Waiter w : refused) {
        if (w.tryAbandon()) {
          w.loop.execute(() -> w.exchange.unavailable(why));
        }
      }
    }
    for (EndpointState s : gone) {
      onRemoved.accept(s);
    }
  }

  /** A waiter that was given a slot on an endpoint, to be handed to its event loop. */
  private record Grant(Waiter waiter, EndpointState endpoint) {}

  /**
   * Admits a request: returns the endpoint it may use now (its in-flight slot taken), or
   * {@code null} if the waiter was queued (it will be granted, timed out or cancelled later) or
   * rejected because the buffer is full (then the waiter is already {@link Waiter#ABANDONED}).
   *
   * @param now {@link System#nanoTime()} of the request's arrival (saves a clock read)
   */
  EndpointState acquire(Waiter w, long now) {
    requests.increment();
    Demand demand = null;
    EndpointState granted = null;
    lock.lock();
    try {
      // Waiters that avoid an endpoint were offered every slot they could take: the rest is free.
      if (queue.size() == avoiders) {
        granted = pickLocked(null, now);
      }
      if (granted != null) {
        takeLocked(granted);
        if (spare == 0 && limits.spareThreshold() > 0) {
          demand = demandLocked(Demand.Reason.SOFT_LIMIT);
        }
      } else {
        if (unavailable != null && endpoints.length == 0) {
          w.unavailable = unavailable; // the caller answers 503 with it; the platform still hears the demand
          w.tryAbandon();
        } else if (queue.size() >= limits.queueCapacity()) {
          w.tryAbandon();
        } else {
          w.enqueuedNanos = now;
          queue.addLast(w);
          queuedView = queue.size();
        }
        demand = demandLocked(endpoints.length == 0 ? Demand.Reason.NO_ENDPOINTS
            : Demand.Reason.SATURATED);
      }
    } finally {
      lock.unlock();
    }
    if (demand != null) {
      signal(demand);
    }
    return granted;
  }

  /** For a retry: an endpoint other than {@code exclude} with capacity now, or null. No queueing. */
  EndpointState acquireNow(EndpointState exclude) {
    lock.lock();
    try {
      EndpointState ep = pickLocked(exclude, System.nanoTime());
      if (ep != null) {
        takeLocked(ep);
      }
      return ep;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a request to be sent again after its upstream broke and no other endpoint had room:
   * at the head of the buffer (it came before the ones waiting), kept from {@link Waiter#avoid}
   * until {@link Waiter#avoidUntilNanos}, and the platform is told there is demand. False if the
   * buffer is full (the waiter is then {@link Waiter#ABANDONED}).
   */
  boolean requeue(Waiter w, long now) {
    Demand demand = null;
    ArrayList<Grant> grants;
    lock.lock();
    try {
      if (queue.size() >= limits.queueCapacity()) {
        w.tryAbandon();
        return false;
      }
      w.enqueuedNanos = now;
      queue.addFirst(w);
      if (w.avoid != null) {
        avoiders++;
      }
      grants = dispatchLocked(now);
      if (w.get() == Waiter.WAITING) {
        demand = demandLocked(endpoints.length == 0 ? Demand.Reason.NO_ENDPOINTS
            : Demand.Reason.SATURATED);
      }
    } finally {
      lock.unlock();
    }
    fire(grants);
    if (demand != null) {
      signal(demand);
    }
    return true;
  }

  /** Offers free slots to the buffer again: a retry's avoidance of an endpoint ran out. */
  void redispatch() {
    ArrayList<Grant> grants;
    lock.lock();
    try {
      grants = queue.isEmpty() ? null : dispatchLocked(System.nanoTime());
    } finally {
      lock.unlock();
    }
    fire(grants);
  }

  /** Gives back an in-flight slot; the head of the buffer may take it. Any thread. */
  void release(EndpointState ep) {
    ArrayList<Grant> grants;
    lock.lock();
    try {
      ep.inFlight--;
      ep.inFlightView = ep.inFlight;
      inFlight--;
      inFlightView = inFlight;
      int threshold = limits.spareThreshold();
      if (!ep.removed && threshold > 0 && ep.inFlight == threshold - 1) {
        spare++;
      }
      grants = queue.isEmpty() ? null : dispatchLocked(System.nanoTime());
    } finally {
      lock.unlock();
    }
    fire(grants);
  }

  /** Removes a waiter that timed out or whose client left. False if it was granted meanwhile. */
  boolean cancel(Waiter w) {
    if (!w.tryAbandon()) {
      return false;
    }
    lock.lock();
    try {
      if (queue.remove(w) && w.avoid != null) {
        avoiders--;
      }
      queuedView = queue.size();
    } finally {
      lock.unlock();
    }
    return true;
  }

  /** Marks the endpoint suspect and tells the platform. */
  void connectFailed(EndpointState ep, Throwable cause) {
    lock.lock();
    try {
      long until = System.nanoTime() + SUSPECT_NANOS;
      ep.suspectUntilNanos = until == 0 ? 1 : until;
    } finally {
      lock.unlock();
    }
    ep.meters.connectFailures.increment();
    try {
      backend.endpointFailed(ep.endpoint, cause);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "endpointFailed callback of " + name + " threw", e);
    }
  }

  ServiceLoad snapshot() {
    lock.lock();
    try {
      Map<String, Integer> byInstance = new LinkedHashMap<>();
      for (EndpointState s : endpoints) {
        byInstance.merge(s.endpoint.instanceId(), s.inFlight, Integer::sum);
      }
      return new ServiceLoad(name, endpoints.length, inFlight, queue.size(), requests.sum(),
          Map.copyOf(byInstance));
    } finally {
      lock.unlock();
    }
  }

  int inFlight() {
    return inFlightView;
  }

  int queued() {
    return queuedView;
  }

  ServiceLimits limits() {
    lock.lock();
    try {
      return limits;
    } finally {
      lock.unlock();
    }
  }

  /** Stops watching the platform and unregisters meters. Waiters still time out normally. */
  void close() {
    EndpointState[] eps;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      List<EndpointState> all = new ArrayList<>(List.of(endpointsView));
      all.addAll(parked.values());
      eps = all.toArray(NONE);
      parked = Map.of();
    }
    try {
      if (subscription != null) {
        subscription.close();
      }
    } catch (Exception e) {
      LOG.log(Level.FINE, "closing watch of " + name, e);
    }
    meters.close();
    for (EndpointState s : eps) {
      onRemoved.accept(s);
    }
  }

  // --- under the lock ---

  private void takeLocked(EndpointState ep) {
    ep.inFlight++;
    ep.inFlightView = ep.inFlight;
    inFlight++;
    inFlightView = inFlight;
    int threshold = limits.spareThreshold();
    if (!ep.removed && threshold > 0 && ep.inFlight == threshold) {
      spare--;
    }
  }

  private boolean hasCapacity(EndpointState ep) {
    int hard = limits.hardLimit();
    return hard == 0 || ep.inFlight < hard;
  }

  /**
   * Least outstanding requests by power of two choices: sample two distinct endpoints, take the
   * one with fewer in flight. Suspect endpoints lose to healthy ones. If the sample gives
   * nothing usable, scan all; use a suspect endpoint only when no healthy one exists at all
   * (better to try than to hold requests for a dead service), and wait when the healthy ones are
   * merely full.
   */
  private EndpointState pickLocked(EndpointState exclude, long now) {
    EndpointState[] eps = endpoints;
    int n = eps.length;
    if (n == 0) {
      return null;
    }
    if (n >= 2) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      int i = r.nextInt(n);
      int j = r.nextInt(n - 1);
      if (j >= i) {
        j++;
      }
      EndpointState best = better(eps[i], eps[j], exclude, now);
      if (best != null && !best.suspect(now)) {
        return best;
      }
    }
    EndpointState best = null;
    boolean healthyExists = false;
    for (EndpointState ep : eps) {
      if (ep == exclude) {
        continue;
      }
      if (!ep.suspect(now)) {
        healthyExists = true;
      }
      if (hasCapacity(ep) && (best == null || better(ep, best, null, now) == ep)) {
        best = ep;
      }
    }
    if (best != null && best.suspect(now) && healthyExists) {
      return null;
    }
    return best;
  }

  private EndpointState better(EndpointState a, EndpointState b, EndpointState exclude, long now) {
    boolean aOk = a != exclude && hasCapacity(a);
    boolean bOk = b != exclude && hasCapacity(b);
    if (!aOk) {
      return bOk ? b : null;
    }
    if (!bOk) {
      return a;
    }
    boolean as = a.suspect(now);
    boolean bs = b.suspect(now);
    if (as != bs) {
      return as ? b : a;
    }
    return b.inFlight < a.inFlight ? b : a;
  }

  /**
   * Grants free slots to waiters in FIFO order; returns (waiter, endpoint) pairs to hand off.
   * A retry that may not have the only free endpoint lets the waiters behind it take it.
   */
  private ArrayList<Grant> dispatchLocked(long now) {
    ArrayList<Grant> grants = null;
    Iterator<Waiter> it = queue.iterator();
    while (it.hasNext()) {
      Waiter w = it.next();
      EndpointState ep = pickLocked(w.avoiding(now), now);
      if (ep == null) {
        if (avoiders == 0) {
          break; // nobody behind can take anything either
        }
        continue;
      }
      it.remove();
      if (w.avoid != null) {
        avoiders--;
      }
      if (!w.tryGrant()) {
        continue;
      }
      takeLocked(ep);
      if (grants == null) {
        grants = new ArrayList<>();
      }
      grants.add(new Grant(w, ep));
    }
    queuedView = queue.size();
    return grants;
  }

  private Demand demandLocked(Demand.Reason reason) {
    return new Demand(name, reason, endpoints.length, inFlight, queue.size());
  }

  // --- outside the lock ---

  private void signal(Demand demand) {
    try {
      backend.demand(demand);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "demand callback of " + name + " threw", e);
    }
  }

  /** Hands each grant to its request's event loop: connection work stays single-threaded. */
  private static void fire(ArrayList<Grant> grants) {
    if (grants == null) {
      return;
    }
    for (Grant g : grants) {
      g.waiter.loop.execute(() -> g.waiter.exchange.granted(g.endpoint));
    }
  }
}
