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
import dev.wisp.runtime.Snapshot;
import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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
    private final Capacity capacity;
    private final Consumer<InstanceChange> changes;
    /** Snapshots and template an earlier node left for this service, adopted at start. */
    private final Leftovers.Claim claim;
    private final String specDigest;
    private final SharedTemplates sharedTemplates;
    /** Whether {@link #template} came from {@link #sharedTemplates} (and must be released there). */
    private volatile boolean templateShared;

    private volatile Template template;
    /** False while the warm template is being built: wakes wait for it rather than boot cold beside it. */
    private volatile boolean templateSettled;
    private volatile boolean closed;
    private long lastRequestsTotal = -1;
    private Instant lastScaleTick = Instant.EPOCH;
    private int desired;

    ServiceController(ServiceSpec spec, VmRuntime runtime, ServiceTable table, RouterServer router,
                      NodeMetrics metrics, InstantSource clock, Path stateDirectory, Capacity capacity,
                      Consumer<InstanceChange> changes, Leftovers.Claim claim, String specDigest,
                      SharedTemplates sharedTemplates) {
        this.spec = spec;
        this.capacity = capacity;
        this.changes = changes;
        this.claim = claim;
        this.specDigest = specDigest;
        this.sharedTemplates = sharedTemplates;
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
        adoptStandby();
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
        String warmer = "tpl-" + spec.name();
        try {
            runtime.deleteSnapshot(templateDirectory);
            if (!capacity.admit(warmer, spec.vm())) {
                throw new CapacityException("no memory free to warm a template");
            }
            long t0 = System.nanoTime();
            // Services of the same VM share one template: one boot, one memory file, small snapshots.
            template = sharedTemplates.acquire(specDigest, spec.vm(), spec.name());
            templateShared = true;
            runtime.prewarm(template.snapshot());
            LOG.log(System.Logger.Level.INFO, "{0}: warm template ready in {1} ms", spec.name(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, spec.name() + ": no warm template, instances will boot cold: "
                    + e.getMessage());
        } finally {
            capacity.release(warmer);
        }
    }

    /**
     * Takes the standby snapshots an earlier node left as snapshotted replicas: the first request
     * restores one instead of cloning or booting. Broken ones (or another accelerator's) are deleted.
     */
    private void adoptStandby() {
        Instant now = clock.instant();
        for (Leftovers.Entry e : claim.standby()) {
            StandbyManifest m = e.manifest().orElseThrow();
            try {
                Snapshot s = runtime.loadSnapshot(e.directory());
                if (s.accelerator() != runtime.accelerator() || s.kind() != Snapshot.Kind.STANDBY
                        || !e.directory().equals(standbyDirectory.resolve(m.instanceId()))) {
                    throw new IllegalStateException("taken under " + s.accelerator() + " as " + s.kind());
                }
                Replica r = Replica.adopted(m.instanceId(), s, m.startedAt(), now);
                replicas.put(r.id, r);
                changes.accept(new InstanceChange(spec.name(), r.id, "none", "snapshotted", "adopt", Duration.ZERO));
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, spec.name() + ": cannot adopt " + e.directory() + ": "
                        + ex.getMessage());
                runtime.deleteSnapshot(e.directory());
            }
        }
    }

    // ---- demand: called on a router event loop, must not block ----------------------------------

    private void onDemand(Demand d) {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (d.reason() != Demand.Reason.NO_ENDPOINTS) {
                wakeAtLeast(running() + 1, d.reason() == Demand.Reason.SATURATED ? "demand: saturated" : "demand: soft limit");
                return;
            }
            // The first wake goes out before anything else is worked out: on this path every
            // microsecond is the waiting client's, and the code runs too rarely to be compiled.
            if (running() + waking.get() == 0) {
                wakeLocked("demand: no endpoints");
            }
            wakeAtLeast(autoscaler.onColdRequests(Math.max(1, d.queued())).desiredInstances(), "demand: no endpoints");
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
            capacity.release(r.id);
            changes.accept(new InstanceChange(spec.name(), r.id, NodeMetrics.name(r.tier), "gone", "lost", Duration.ZERO));
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
        String id = plan.instanceId() != null ? plan.instanceId() : nextId();
        // Memory is the node's hard limit: a start that does not fit is not made; the requests
        // wait in the router (and time out with 503) unless memory frees up before.
        if (plan.path() != WakePath.RESUME_PAUSED && !capacity.admit(id, spec.vm())) {
            refused(plan.path());
            return false;
        }
        Replica replica;
        if (plan.instanceId() != null) {
            replica = replicas.get(plan.instanceId());
            replica.busy = true;
        } else {
            replica = new Replica(id, clock.instant());
            replicas.put(replica.id, replica);
        }
        waking.incrementAndGet();
        Replica r = replica;
        vmOps.submit(() -> wake(r, plan.path(), why));
        if (plan.path() == WakePath.RESUME_PAUSED) {
            // Routed at once, after `cont` is on its way: the VMM's user-mode network accepts
            // connections while the vCPUs stand, so the waiting request travels beside the resume.
            route(r);
        }
        return true;
    }

    private void wake(Replica r, WakePath path, String why) {
        long t0 = System.nanoTime();
        String from = path == WakePath.RESUME_PAUSED ? "paused" : path == WakePath.RESTORE_SNAPSHOT ? "snapshotted" : "none";
        try {
            switch (path) {
                case RESUME_PAUSED -> r.instance.resume();
                case RESTORE_SNAPSHOT -> restoreSnapshot(r);
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
            changes.accept(new InstanceChange(spec.name(), r.id, from, "running", NodeMetrics.name(path), took));
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
            discardAdopted(r);
            capacity.release(r.id);
            changes.accept(new InstanceChange(spec.name(), r.id, from, "gone", NodeMetrics.name(path),
                    Duration.ofNanos(System.nanoTime() - t0)));
        } finally {
            waking.decrementAndGet();
        }
    }

    /** Restores a snapshotted replica, whether this node put it to sleep or an earlier one did. */
    private void restoreSnapshot(Replica r) {
        Snapshot s = r.adopted;
        if (s == null) {
            r.instance.restore();
            return;
        }
        runtime.instances(); // drops stopped instances of an earlier node on this runtime that share the id
        r.instance = runtime.restore(s, r.id);
        r.adopted = null;
        runtime.deleteSnapshot(s.directory()); // the instance runs again: its sleep is over, as after restore()
    }

    /** Deletes the snapshot an earlier node left for {@code r}, if it still has one. */
    private void discardAdopted(Replica r) {
        Snapshot s = r.adopted;
        r.adopted = null;
        if (s != null) {
            runtime.deleteSnapshot(s.directory());
        }
    }

    private long lastRefusalLog;

    private void refused(WakePath path) {
        metrics.capacityRefused(spec.name());
        long now = System.nanoTime();
        if (now - lastRefusalLog > 10_000_000_000L || lastRefusalLog == 0) {
            lastRefusalLog = now;
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} of a {2} MiB instance refused: node memory full ({3} of {4} MiB"
                    + " allocated)", spec.name(), NodeMetrics.name(path), spec.vm().memoryMib(),
                    capacity.allocatedMemoryMiB(), capacity.limitMiB());
        }
    }

    // ---- standby ---------------------------------------------------------------------------------

    private void standbyStep(Replica r, StandbyTier to) {
        long t0 = System.nanoTime();
        try {
            switch (to) {
                case PAUSED -> {
                    park(r);
                    drain(r);
                    r.instance.pause();
                }
                case SNAPSHOTTED -> {
                    unroute(r);
                    r.instance.snapshot(standbyDirectory.resolve(r.id));
                    writeManifest(r);
                }
                case GONE -> {
                    unroute(r);
                    replicas.remove(r.id, r);
                    if (r.instance != null) {
                        r.instance.stop();
                    }
                    discardAdopted(r);
                }
                case RUNNING -> throw new IllegalStateException("waking is not a standby step");
            }
            String from = NodeMetrics.name(r.tier);
            r.tier = to;
            if (to != StandbyTier.PAUSED) {
                capacity.release(r.id);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            metrics.standbyStep(spec.name(), to, took);
            changes.accept(new InstanceChange(spec.name(), r.id, from, NodeMetrics.name(to),
                    to == StandbyTier.PAUSED ? "pause" : to == StandbyTier.SNAPSHOTTED ? "snapshot" : "retire", took));
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

    /** Leaves a manifest beside a standby snapshot so that the next node on this directory can adopt it. */
    private void writeManifest(Replica r) {
        try {
            new StandbyManifest(spec.name(), specDigest, r.id, clock.instant(), r.startedAt)
                    .write(standbyDirectory.resolve(r.id));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, spec.name() + ": " + e.getMessage());
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
        if (r.parked != null && !r.parked.equals(e)) {
            table.removeEndpoint(spec.name(), r.parked);
        }
        r.parked = null;
        r.endpoint = e;
        table.addEndpoint(spec.name(), e);
    }

    private void unroute(Replica r) {
        for (Endpoint e : new Endpoint[] {r.endpoint, r.parked}) {
            if (e != null) {
                table.removeEndpoint(spec.name(), e);
            }
        }
        r.endpoint = null;
        r.parked = null;
    }

    /** Out of rotation while paused; the router keeps the endpoint's state for the wake. */
    private void park(Replica r) {
        Endpoint e = r.endpoint;
        r.endpoint = null;
        if (e != null) {
            r.parked = e;
            table.parkEndpoint(spec.name(), e);
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
                        r.instance != null ? NodeMetrics.name(r.instance.state())
                                : r.adopted != null ? "snapshotted" : "creating",
                        r.endpoint == null ? -1 : r.endpoint.port(), r.busy, r.startedAt))
                .toList();
        return new ServiceStatus(spec.name(), desired, template != null, list);
    }

    /** The tail of an instance's console, at most {@code maxChars}; empty if no such instance. */
    Optional<String> console(String instanceId, int maxChars) {
        Replica r = replicas.get(instanceId);
        if (r == null) {
            return Optional.empty();
        }
        Instance i = r.instance;
        String text = i == null ? "" : String.join("\n", i.consoleTail());
        return Optional.of(text.length() <= maxChars ? text : text.substring(text.length() - maxChars));
    }

    /**
     * Stops taking requests before a removal: no more wakes, the endpoints leave the router (new
     * and queued requests wait and then get 503), and requests in flight may finish within
     * {@code timeout}.
     */
    void quiesce(Duration timeout) {
        closed = true;
        vmOps.shutdown();
        awaitVmOps();
        table.setEndpoints(spec.name(), List.of());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceLoad load = router.snapshot(spec.name());
            if (load == null || load.inFlight() == 0) {
                return;
            }
            sleep(5);
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: requests still in flight after {1} s; stopping anyway",
                spec.name(), timeout.toSeconds());
    }

    private void awaitVmOps() {
        try {
            vmOps.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops routing, ends every instance and removes the service's snapshots. */
    void close() {
        close(false);
    }

    /**
     * Stops routing and ends the service's VMs. With {@code leaveStandby} running and paused
     * instances are snapshotted first and every snapshot and the template stay on disk, with
     * their manifests, for the next node on this state directory; otherwise all are deleted.
     */
    void close(boolean leaveStandby) {
        closed = true;
        table.remove(spec.name());
        vmOps.shutdown();
        awaitVmOps();
        replicas.values().parallelStream().forEach(r -> {
            try {
                if (leaveStandby) {
                    leave(r);
                } else if (r.instance != null) {
                    r.instance.stop();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + r.id + ": " + e.getMessage());
            } finally {
                capacity.release(r.id);
            }
            if (!leaveStandby) {
                changes.accept(new InstanceChange(spec.name(), r.id, NodeMetrics.name(r.tier), "gone", "remove",
                        Duration.ZERO));
            }
        });
        replicas.clear();
        if (templateShared) {
            templateShared = false;
            sharedTemplates.release(specDigest, leaveStandby);
        }
        if (!leaveStandby) {
            runtime.deleteSnapshot(templateDirectory);
            runtime.deleteSnapshot(standbyDirectory);
        }
        metrics.forget(spec.name());
    }

    /** Puts one instance on disk for the next node; what cannot be saved is stopped. */
    private void leave(Replica r) {
        Instance i = r.instance;
        if (i == null) {
            return; // adopted and never woken: still on disk as the earlier node left it
        }
        Path dir = standbyDirectory.resolve(r.id);
        if (i.state() == InstanceState.READY || i.state() == InstanceState.PAUSED) {
            try {
                i.snapshot(dir);
                writeManifest(r);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, spec.name() + ": cannot leave " + r.id + " on standby: "
                        + e.getMessage());
            }
        }
        if (i.state() != InstanceState.SNAPSHOTTED) {
            i.stop();
            return;
        }
        // Stopping a snapshotted instance deletes its snapshot, and the runtime stops every
        // instance it still knows when it closes: the files step aside while this one stops.
        Path aside = standbyDirectory.resolve(r.id + ".kept");
        try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            i.stop();
            Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, spec.name() + ": cannot keep " + dir + ": " + e.getMessage());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
