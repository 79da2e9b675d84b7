package dev.wisp.router;

import dev.wisp.router.WaitBuffer.Grant;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The router's side of one service: its ready endpoints and their balancing ({@link Balancer}),
 * the bounded FIFO wait buffer ({@link WaitBuffer}, the activator), and the platform's view of
 * them (endpoints announced and parked, demand, endpoint failures). Called from every event loop
 * that admits a request of the service, and from the platform's threads on a change.
 *
 * <p>All admission decisions take one short lock per service. A lock rather than lock-free
 * counters because admission must be FIFO: once a request waits, later arrivals queue behind
 * it instead of racing it for the next free slot, and "is the buffer empty, else pick" must be
 * one atomic step. Callbacks into the platform ({@code demand}, {@code endpointFailed}) and
 * hand-offs to event loops run after the lock is released.
 */
final class ServiceState {
    private static final System.Logger LOG = System.getLogger(ServiceState.class.getName());
    /** How long an endpoint that refused a connection is avoided (unless nothing else is left). */
    static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final EndpointState[] NONE = new EndpointState[0];

    final String name;
    final ServiceBackend backend;
    final RouterMetrics.ServiceMeters meters;
    private final RouterMetrics metrics;
    private final Consumer<EndpointState> onRemoved;

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by the lock, like the buffer and the limits. */
    private final Balancer balancer = new Balancer();

    private final WaitBuffer buffer = new WaitBuffer();
    private ServiceLimits limits;
    /** The platform's reason the service cannot start an instance, or null (see ServiceBackend). */
    private String unavailable;

    private volatile EndpointState[] endpointsView = NONE;
    /**
     * Endpoints out of rotation that the platform expects back (paused instances): their meters
     * and pooled connections are kept so that a wake sets nothing up. Guarded by this object.
     */
    private volatile Map<Endpoint, EndpointState> parked = Map.of();

    private final LongAdder requests = new LongAdder();
    private volatile boolean closed;
    private AutoCloseable subscription;

    ServiceState(String name, ServiceBackend backend, RouterMetrics metrics, Consumer<EndpointState> onRemoved) {
        this.name = name;
        this.backend = backend;
        this.metrics = metrics;
        this.onRemoved = onRemoved;
        this.limits = ServiceLimits.DEFAULTS;
        this.meters = metrics.service(name, () -> balancer.inFlightView, () -> buffer.queuedView);
    }

    /**
     * Subscribes to changes first, then reads, so no change between the two is missed; {@code
     * afterChange} runs after each re-read.
     */
    void open(Runnable afterChange) {
        subscription = backend.watch(() -> {
            refresh();
            afterChange.run();
        });
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
            next.add(s != null ? s : new EndpointState(e, new InetSocketAddress(e.host(), e.port()), metrics, name));
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
            balancer.update(next, known.values(), limits);
            endpointsView = balancer.endpoints();
            grants = buffer.dispatch(balancer, System.nanoTime());
            if (why != null && balancer.size() == 0 && !buffer.isEmpty()) {
                refused = buffer.drain();
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
            s.died = died(s.endpoint);
            onRemoved.accept(s);
        }
    }

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
            if (buffer.onlyAvoiders()) {
                granted = balancer.pick(null, now);
            }
            if (granted != null) {
                balancer.take(granted);
                if (balancer.noSpare()) {
                    demand = demandLocked(Demand.Reason.SOFT_LIMIT);
                }
            } else {
                if (unavailable != null && balancer.size() == 0) {
                    w.unavailable = unavailable; // the caller answers 503 with it; the platform still hears the demand
                    w.tryAbandon();
                } else if (buffer.size() >= limits.queueCapacity()) {
                    w.tryAbandon();
                } else {
                    buffer.addLast(w, now);
                }
                demand = demandLocked(balancer.size() == 0 ? Demand.Reason.NO_ENDPOINTS : Demand.Reason.SATURATED);
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
            EndpointState ep = balancer.pick(exclude, System.nanoTime());
            if (ep != null) {
                balancer.take(ep);
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
            if (buffer.size() >= limits.queueCapacity()) {
                w.tryAbandon();
                return false;
            }
            buffer.addFirst(w, now);
            grants = buffer.dispatch(balancer, now);
            if (w.get() == Waiter.WAITING) {
                demand = demandLocked(balancer.size() == 0 ? Demand.Reason.NO_ENDPOINTS : Demand.Reason.SATURATED);
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
            grants = buffer.isEmpty() ? null : buffer.dispatch(balancer, System.nanoTime());
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
            balancer.give(ep);
            grants = buffer.isEmpty() ? null : buffer.dispatch(balancer, System.nanoTime());
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
            buffer.remove(w);
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Tells the platform when a request that waited passed each step. */
    void waited(WaitedRequest request) {
        try {
            backend.waited(request);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "waited callback of " + name + " threw", e);
        }
    }

    private boolean died(Endpoint e) {
        try {
            return backend.died(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "died callback of " + name + " threw", ex);
            return false;
        }
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
            LOG.log(System.Logger.Level.WARNING, "endpointFailed callback of " + name + " threw", e);
        }
    }

    ServiceLoad snapshot() {
        lock.lock();
        try {
            Map<String, Integer> byInstance = new LinkedHashMap<>();
            for (EndpointState s : balancer.endpoints()) {
                byInstance.merge(s.endpoint.instanceId(), s.inFlight, Integer::sum);
            }
            // A parked endpoint's requests still in flight are what the platform drains before it
            // pauses the instance: leaving them out paused VMs with a request inside.
            for (EndpointState s : parked.values()) {
                byInstance.merge(s.endpoint.instanceId(), s.inFlight, Integer::sum);
            }
            return new ServiceLoad(
                    name, balancer.size(), balancer.inFlight(), buffer.size(), requests.sum(), Map.copyOf(byInstance));
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        return balancer.inFlightView;
    }

    int queued() {
        return buffer.queuedView;
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
            LOG.log(System.Logger.Level.DEBUG, "closing watch of " + name, e);
        }
        meters.close();
        for (EndpointState s : eps) {
            onRemoved.accept(s);
        }
    }

    // --- under the lock ---

    private Demand demandLocked(Demand.Reason reason) {
        return new Demand(name, reason, balancer.size(), balancer.inFlight(), buffer.size());
    }

    // --- outside the lock ---

    private void signal(Demand demand) {
        try {
            backend.demand(demand);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "demand callback of " + name + " threw", e);
        }
    }

    /** Hands each grant to its request's event loop: connection work stays single-threaded. */
    private static void fire(ArrayList<Grant> grants) {
        if (grants == null) {
            return;
        }
        for (Grant g : grants) {
            g.waiter().loop.execute(() -> g.waiter().exchange.granted(g.endpoint()));
        }
    }
}
