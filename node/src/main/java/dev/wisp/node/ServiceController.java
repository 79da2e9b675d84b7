package dev.wisp.node;

import dev.wisp.autoscaler.Autoscaler;
import dev.wisp.autoscaler.InstanceView;
import dev.wisp.autoscaler.ScaleDecision;
import dev.wisp.autoscaler.StandbyPlanner;
import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.autoscaler.Transition;
import dev.wisp.autoscaler.WakePath;
import dev.wisp.autoscaler.WakePlan;
import dev.wisp.router.Demand;
import dev.wisp.router.Endpoint;
import dev.wisp.router.RouterServer;
import dev.wisp.router.ServiceLoad;
import dev.wisp.router.ServiceTable;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.InstanceEvent;
import dev.wisp.runtime.InstanceState;
import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmRuntime;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one service on this node. Three inputs drive it: the router's demand signal (a request
 * found no spare capacity: wake at once), the control tick (record concurrency, ask the
 * autoscaler how many should serve, move idle instances down the standby tiers) and runtime
 * events (an instance died: stop routing to it).
 *
 * <p>VM operations run on their own virtual threads and mark their replica busy, so the tick and
 * the router's event loops never wait on a VM. A paused instance is routed before its resume is
 * even sent: its requests reach the VMM at once and wait in the guest's network queue for the
 * vCPUs, so the resume overlaps the dispatch. Bookkeeping (which replica does what) is guarded
 * by this object's monitor.
 */
final class ServiceController {
    private static final System.Logger LOG = System.getLogger(ServiceController.class.getName());
    /** How long a draining instance may take to finish its requests before it is paused anyway. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final ServiceSpec spec;
    private final VmRuntime runtime;
    private final ServiceTable table;
    private final RouterServer router;
    private final NodeMetrics metrics;
    private final InstantSource clock;
    private final Path standbyDirectory;
    private final Path templateDirectory;
    private final Autoscaler autoscaler;
    private final StandbyPlanner planner;
    private final ExecutorService vmOps = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Replica> replicas = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger waking = new AtomicInteger();

    private volatile Template template;
    /** False while the warm template is being built: wakes wait for it rather than boot cold beside it. */
    private volatile boolean templateSettled;
    private volatile boolean closed;
    private long lastRequestsTotal = -1;
    private Instant lastScaleTick = Instant.EPOCH;
    private int desired;

    ServiceController(ServiceSpec spec, VmRuntime runtime, ServiceTable table, RouterServer router,
                      NodeMetrics metrics, InstantSource clock, Path stateDirectory) {
        this.spec = spec;
        this.runtime = runtime;
        this.table = table;
        this.router = router;
        this.metrics = metrics;
        this.clock = clock;
        this.standbyDirectory = stateDirectory.resolve("standby").resolve(spec.name());
        this.templateDirectory = stateDirectory.resolve("templates").resolve(spec.name());
        this.autoscaler = new Autoscaler(spec.scaling(), clock);
        this.planner = new StandbyPlanner(spec.standby(), clock);
        this.desired = spec.scaling().initialScale();
        for (StandbyTier tier : List.of(StandbyTier.RUNNING, StandbyTier.PAUSED, StandbyTier.SNAPSHOTTED)) {
            metrics.instances(spec.name(), this, tier, c -> c.count(tier));
        }
    }

    ServiceSpec spec() {
        return spec;
    }

    /** Registers with the router, warms the template and starts the initial instances. */
    void start() {
        table.define(spec.name(), spec.limits(), this::onDemand, this::onEndpointFailed);
        vmOps.submit(() -> {
            if (spec.warmTemplate()) {
                warmTemplate();
            }
            templateSettled = true;
            synchronized (this) {
                for (int i = existing(); i < spec.scaling().initialScale(); i++) {
                    startLocked(true, "initial scale");
                }
            }
        });
    }

    private void warmTemplate() {
        try {
            runtime.deleteSnapshot(templateDirectory);
            long t0 = System.nanoTime();
            template = runtime.createTemplate(spec.name(), spec.vm(), templateDirectory);
            runtime.prewarm(template.snapshot());
            LOG.log(System.Logger.Level.INFO, "{0}: warm template ready in {1} ms", spec.name(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, spec.name() + ": no warm template, instances will boot cold: "
                    + e.getMessage());
        }
    }

    // ---- demand: called on a router event loop, must not block ----------------------------------

    private void onDemand(Demand d) {
        if (closed) {
            return;
        }
        synchronized (this) {
            int wanted = d.reason() == Demand.Reason.NO_ENDPOINTS
                    ? autoscaler.onColdRequests(Math.max(1, d.queued())).desiredInstances()
                    : running() + 1;
            wakeAtLeast(wanted, "demand: " + d.reason().name().toLowerCase());
        }
    }

    /** Wakes until {@code wanted} instances serve or are on their way. Caller holds the monitor. */
    private void wakeAtLeast(int wanted, String why) {
        for (int have = running() + waking.get(); have < Math.max(1, wanted) && withinMax(); have++) {
            if (!wakeLocked(why)) {
                break;
            }
        }
    }

    private void onEndpointFailed(Endpoint endpoint, Throwable cause) {
        Replica r = replicas.get(endpoint.instanceId());
        if (r != null && r.instance != null && r.instance.state() == InstanceState.FAILED) {
            forget(r, "endpoint failed: " + cause.getMessage());
        }
    }

    /** Runtime listener: a VM that died is no endpoint any more; demand brings a replacement. */
    void onInstanceEvent(InstanceEvent e) {
        if (e.to() != InstanceState.FAILED) {
            return;
        }
        Replica r = replicas.get(e.instanceId());
        if (r != null) {
            forget(r, e.detail());
        }
    }

    private void forget(Replica r, String why) {
        if (replicas.remove(r.id, r)) {
            unroute(r);
            LOG.log(System.Logger.Level.WARNING, "{0}: instance {1} lost: {2}", spec.name(), r.id, why);
        }
    }

    // ---- the control tick ------------------------------------------------------------------------

    /** Called by the node's control thread every few hundred milliseconds. */
    void tick() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        ServiceLoad load = router.snapshot(spec.name());
        int concurrency = load == null ? 0 : load.concurrency();
        autoscaler.record(concurrency);
        Map<String, Integer> inFlight = load == null ? Map.of() : load.inFlightByInstance();
        boolean used = load != null && (load.requestsTotal() != lastRequestsTotal || load.inFlight() > 0);
        if (load != null) {
            lastRequestsTotal = load.requestsTotal();
        }
        synchronized (this) {
            if (used) {
                // The router balances over every running endpoint, so traffic to the service is
                // traffic to each of them; the autoscaler, not idleness, decides how many keep serving.
                replicas.values().stream().filter(r -> r.endpoint != null).forEach(r -> r.lastUsed = now);
            }
            if (templateSettled && !now.isBefore(lastScaleTick.plus(spec.scaling().tickInterval()))) {
                lastScaleTick = now;
                scale(autoscaler.desiredScale(existing()), concurrency);
            }
            List<InstanceView> views = new ArrayList<>();
            for (Replica r : replicas.values()) {
                if (!r.busy) {
                    views.add(r.view(inFlight.getOrDefault(r.id, 0)));
                }
            }
            for (Transition t : planner.due(views, desired)) {
                Replica r = replicas.get(t.instanceId());
                if (r != null && !r.busy) {
                    r.busy = true;
                    vmOps.submit(() -> standbyStep(r, t.to()));
                }
            }
            // A safety net: requests wait and nothing is waking them (a wake failed, or they came
            // while the template was being built).
            if (load != null && load.queued() > 0 && waking.get() == 0 && running() == 0) {
                wakeAtLeast(autoscaler.onColdRequests(load.queued()).desiredInstances(), "queued requests");
            }
        }
    }

    /**
     * Applies the autoscaler's count. Instances asleep in any tier are capacity: they are woken
     * when load is there (now, or through the router's demand signal), never just to satisfy a
     * count, or sleeping would undo itself. {@code minInstances} exist in some tier at all times.
     */
    private void scale(ScaleDecision decision, int concurrency) {
        desired = decision.desiredInstances();
        String why = "autoscaler: " + decision.reason().name().toLowerCase();
        if (concurrency > 0) {
            wakeAtLeast(desired, why);
        }
        for (int have = existing(); have < spec.scaling().minInstances() && withinMax(); have++) {
            if (!startLocked(true, "min instances")) {
                break;
            }
        }
        int excess = running() - Math.max(desired, 0);
        if (excess > 0 && desired > 0) {
            // Scale in: the least recently used running instances stop taking requests, finish
            // what they have, then pause; the planner takes them further down from there.
            replicas.values().stream().filter(r -> !r.busy && r.tier == StandbyTier.RUNNING)
                    .sorted(Comparator.comparing((Replica r) -> r.lastUsed)).limit(excess)
                    .forEach(r -> {
                        r.busy = true;
                        vmOps.submit(() -> standbyStep(r, StandbyTier.PAUSED));
                    });
        }
    }

    // ---- wakes -----------------------------------------------------------------------------------

    /** Starts the fastest wake available; false if nothing could be started. Caller holds the monitor. */
    private boolean wakeLocked(String why) {
        return startLocked(false, why);
    }

    /**
     * Wakes a sleeping instance by the fastest path, or with {@code fresh} always starts a new
     * one (clone or boot). Caller holds the monitor.
     */
    private boolean startLocked(boolean fresh, String why) {
        if (closed || !templateSettled) {
            // Requests wait in the router; the tick's safety net wakes for them once settled.
            return false;
        }
        List<InstanceView> idle = new ArrayList<>();
        for (Replica r : replicas.values()) {
            if (!fresh && !r.busy && r.tier != StandbyTier.RUNNING) {
                idle.add(r.view(0));
            }
        }
        WakePlan plan = planner.wake(idle, template != null);
        Replica replica;
        if (plan.instanceId() != null) {
            replica = replicas.get(plan.instanceId());
            replica.busy = true;
        } else {
            replica = new Replica(nextId(), clock.instant());
            replicas.put(replica.id, replica);
        }
        waking.incrementAndGet();
        Replica r = replica;
        if (plan.path() == WakePath.RESUME_PAUSED) {
            // Routed at once: the VMM's user-mode network accepts connections while the vCPUs
            // stand, so the router sends the waiting request now and `cont` travels beside it.
            route(r);
        }
        vmOps.submit(() -> wake(r, plan.path(), why));
        return true;
    }

    private void wake(Replica r, WakePath path, String why) {
        long t0 = System.nanoTime();
        try {
            switch (path) {
                case RESUME_PAUSED -> r.instance.resume();
                case RESTORE_SNAPSHOT -> r.instance.restore();
                case CLONE_TEMPLATE -> r.instance = runtime.cloneFrom(template, r.id);
                case COLD_BOOT -> r.instance = runtime.boot(r.id, spec.vm());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            synchronized (this) {
                r.tier = StandbyTier.RUNNING;
                r.lastUsed = clock.instant();
                if (r.endpoint == null) {
                    route(r);
                }
                r.busy = false;
            }
            metrics.wake(spec.name(), path, took);
            LOG.log(System.Logger.Level.DEBUG, "{0}: {1} woke via {2} in {3} ms ({4})", spec.name(), r.id,
                    NodeMetrics.name(path), took.toMillis(), why);
        } catch (RuntimeException e) {
            metrics.wakeFailed(spec.name(), path);
            LOG.log(System.Logger.Level.WARNING, spec.name() + ": wake of " + r.id + " via " + NodeMetrics.name(path)
                    + " failed: " + e.getMessage());
            replicas.remove(r.id, r);
            unroute(r);
            if (r.instance != null) {
                r.instance.stop();
            }
        } finally {
            waking.decrementAndGet();
        }
    }

    // ---- standby ---------------------------------------------------------------------------------

    private void standbyStep(Replica r, StandbyTier to) {
        long t0 = System.nanoTime();
        try {
            switch (to) {
                case PAUSED -> {
                    unroute(r);
                    drain(r);
                    r.instance.pause();
                }
                case SNAPSHOTTED -> r.instance.snapshot(standbyDirectory.resolve(r.id));
                case GONE -> {
                    unroute(r);
                    replicas.remove(r.id, r);
                    r.instance.stop();
                }
                case RUNNING -> throw new IllegalStateException("waking is not a standby step");
            }
            r.tier = to;
            metrics.standbyStep(spec.name(), to, Duration.ofNanos(System.nanoTime() - t0));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, spec.name() + ": " + r.id + " -> " + NodeMetrics.name(to)
                    + " failed: " + e.getMessage());
            if (r.instance != null && r.instance.state() == InstanceState.READY) {
                route(r);
            } else if (r.instance == null || r.instance.state().isTerminal()) {
                forget(r, e.getMessage());
            }
        } finally {
            r.busy = false;
        }
    }

    /** Waits until the router has no request in flight to this instance (it gets no new ones). */
    private void drain(Replica r) {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceLoad load = router.snapshot(spec.name());
            if (load == null || load.inFlightByInstance().getOrDefault(r.id, 0) == 0) {
                return;
            }
            sleep(5);
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: {1} still busy after {2} s of draining; pausing anyway",
                spec.name(), r.id, DRAIN_TIMEOUT.toSeconds());
    }

    private void route(Replica r) {
        Endpoint e = new Endpoint(r.id, "127.0.0.1", r.instance.hostPort());
        r.endpoint = e;
        table.addEndpoint(spec.name(), e);
    }

    private void unroute(Replica r) {
        Endpoint e = r.endpoint;
        r.endpoint = null;
        if (e != null) {
            table.removeEndpoint(spec.name(), e);
        }
    }

    // ---- counts and status -----------------------------------------------------------------------

    /** Instances in any tier, including those being created: the autoscaler's view of capacity. */
    private int existing() {
        return replicas.size();
    }

    /** Instances the router can send requests to now. */
    private int running() {
        return (int) replicas.values().stream().filter(r -> r.endpoint != null).count();
    }

    int count(StandbyTier tier) {
        return (int) replicas.values().stream().filter(r -> r.tier == tier).count();
    }

    private boolean withinMax() {
        int max = spec.scaling().maxInstances();
        return max == 0 || replicas.size() < max;
    }

    private String nextId() {
        String id;
        do {
            id = spec.name() + "-" + sequence.incrementAndGet();
        } while (replicas.containsKey(id));
        return id;
    }

    /** What the service looks like now. */
    ServiceStatus status() {
        List<ServiceStatus.InstanceStatus> list = replicas.values().stream()
                .sorted(Comparator.comparing(r -> r.id))
                .map(r -> new ServiceStatus.InstanceStatus(r.id, NodeMetrics.name(r.tier),
                        r.instance == null ? "creating" : NodeMetrics.name(r.instance.state()),
                        r.endpoint == null ? -1 : r.endpoint.port(), r.busy))
                .toList();
        return new ServiceStatus(spec.name(), desired, template != null, list);
    }

    /** Stops routing, ends every instance and removes the service's snapshots. */
    void close() {
        closed = true;
        table.remove(spec.name());
        vmOps.shutdown();
        try {
            vmOps.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Replica r : replicas.values()) {
            if (r.instance != null) {
                try {
                    r.instance.stop();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "stopping " + r.id + ": " + e.getMessage());
                }
            }
        }
        replicas.clear();
        runtime.deleteSnapshot(templateDirectory);
        runtime.deleteSnapshot(standbyDirectory);
        metrics.forget(spec.name());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
