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
import dev.wisp.router.ServiceEndpoints;
import dev.wisp.router.ServiceLoad;
import dev.wisp.router.ServiceLoads;
import dev.wisp.runtime.InstanceEvent;
import dev.wisp.runtime.InstanceState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs one service on this node: the decisions. Three inputs drive it: the router's demand
 * signal (a request found no spare capacity: wake at once), the control tick (record
 * concurrency, ask the autoscaler how many should serve, move idle instances down the standby
 * tiers) and runtime events (an instance died: stop routing to it). The operations it decides
 * on live beside it: {@link Wakes} (up the tiers), {@link StandbySteps} (down), {@link
 * StandbyHandover} (standby state across node restarts), {@link TemplateWarmer}, {@link
 * StartOutcomes} (crash-loop back-off), {@link Replicas} (the books and what the router sees),
 * {@link StatusViews} (status and console) and {@link ServiceShutdown} (quiesce and close).
 *
 * <p>A wake failed by the host (its VMM did not start or was killed) is tried again at once ({@link
 * WakeRetries}); a start failed by the app waits 1 s, 2 s, 4 s ... up to 5 min for the next, and
 * until one succeeds, with no instance in any tier, the router answers 503 at once with the reason.
 *
 * <p>VM operations run on their own virtual threads and mark their replica busy, so the tick and
 * the router's event loops never wait on a VM. A paused instance's `cont` is sent from the thread
 * that saw the demand, unanswered (a few bytes to a local socket), and it is routed at once:
 * its requests reach the VMM and wait in the guest's network queue for the vCPUs, so the resume
 * overlaps the dispatch; the wake's thread reads QEMU's answer. Bookkeeping (which replica does what) is guarded
 * by this object's monitor.
 */
final class ServiceController {
    /** How long a draining instance may take to finish its requests before it is paused anyway. */
    static final Duration DRAIN_TIMEOUT = StandbySteps.DRAIN_TIMEOUT;

    private final ServiceScope scope;
    private final ServiceSpec spec;
    private final ServiceEndpoints endpoints;
    private final Autoscaler autoscaler;
    private final StandbyPlanner planner;
    private final ExecutorService vmOps = Executors.newVirtualThreadPerTaskExecutor();
    private final Replicas replicas;
    private final TemplateWarmer templates;
    private final Wakes wakes;
    private final StandbyHandover handover;
    private final StandbySteps standby;
    private final VolumeHolds volumeHolds;
    private final StartOutcomes starts;
    private final StatusViews views;
    private final ServiceShutdown shutdown;
    /** Snapshots and template an earlier node left for this service, adopted at start. */
    private final Leftovers.Claim claim;

    private volatile boolean closed;
    private volatile WakeMarks lastWake;
    /** While a demand is being handled: when it reached the node (for the wake's marks). */
    private long demandNanos;

    private long lastRequestsTotal = -1;
    private Instant lastScaleTick = Instant.EPOCH;
    private int desired;

    ServiceController(ServiceScope scope, ServiceLoads loads, Leftovers.Claim claim, SharedTemplates sharedTemplates) {
        this.scope = scope;
        this.spec = scope.spec();
        this.claim = claim;
        this.endpoints = new ServiceEndpoints(spec.name(), spec.limits(), this::onDemand, this::onEndpointFailed);
        this.replicas = new Replicas(scope, endpoints, loads);
        this.templates = new TemplateWarmer(scope, sharedTemplates);
        this.starts = new StartOutcomes(scope, endpoints, replicas, this, () -> closed);
        this.wakes = new Wakes(scope, replicas, templates, this, starts);
        this.handover = new StandbyHandover(scope);
        this.views = new StatusViews(spec, replicas, templates, starts);
        this.shutdown = new ServiceShutdown(scope, endpoints, replicas, templates, handover, vmOps);
        this.standby = new StandbySteps(scope, replicas, handover, wakes);
        this.volumeHolds = new VolumeHolds(replicas, standby, this);
        this.autoscaler = new Autoscaler(spec.scaling(), scope.clock());
        this.planner = new StandbyPlanner(spec.standby(), scope.clock());
        this.desired = spec.scaling().initialScale();
        for (StandbyTier tier : List.of(StandbyTier.RUNNING, StandbyTier.PAUSED, StandbyTier.SNAPSHOTTED)) {
            scope.metrics().instances(spec.name(), this, tier, c -> c.count(tier));
        }
    }

    ServiceSpec spec() {
        return spec;
    }

    /** What the router sees of this service: its endpoints, limits and the demand callback. */
    ServiceEndpoints endpoints() {
        return endpoints;
    }

    /** Adopts what an earlier node left, warms the template and starts the initial instances. */
    void start() {
        handover.adopt(claim, replicas);
        vmOps.submit(() -> {
            RuntimeException failed = templates.warm();
            if (failed != null) {
                starts.startFailed(WakePath.CLONE_TEMPLATE, failed);
            }
            synchronized (this) {
                for (int i = replicas.existing(); i < spec.scaling().initialScale(); i++) {
                    if (!replicas.standAtTemplate(templates.template() != null)) {
                        startLocked(true, "initial scale");
                    }
                }
            }
        });
    }

    // ---- demand: called on a router event loop, must not block ----------------------------------

    private void onDemand(Demand d) {
        if (closed) {
            return;
        }
        long arrived = System.nanoTime();
        synchronized (this) {
            demandNanos = arrived;
            try {
                demandLocked(d);
            } finally {
                demandNanos = 0;
            }
        }
    }

    /** Caller holds the monitor. */
    private void demandLocked(Demand d) {
        if (d.reason() != Demand.Reason.NO_ENDPOINTS) {
            wakeAtLeast(
                    replicas.running() + 1,
                    d.reason() == Demand.Reason.SATURATED ? "demand: saturated" : "demand: soft limit");
            return;
        }
        // The first wake goes out before anything else is worked out: on this path every
        // microsecond is the waiting client's, and the code runs too rarely to be compiled.
        if (replicas.running() + replicas.waking.get() == 0) {
            startLocked(false, "demand: no endpoints");
        }
        wakeAtLeast(autoscaler.onColdRequests(Math.max(1, d.queued())).desiredInstances(), "demand: no endpoints");
    }

    /** Wakes until {@code wanted} instances serve or are on their way. Caller holds the monitor. */
    private void wakeAtLeast(int wanted, String why) {
        for (int have = replicas.running() + replicas.waking.get();
                have < Math.max(1, wanted) && replicas.withinMax();
                have++) {
            if (!startLocked(false, why)) {
                break;
            }
        }
    }

    private void onEndpointFailed(Endpoint endpoint, Throwable cause) {
        Replica r = replicas.get(endpoint.instanceId());
        if (r != null && r.instance != null && r.instance.state() == InstanceState.FAILED) {
            replicas.forget(r, "endpoint failed: " + cause.getMessage());
        }
    }

    /** Runtime listener: a VM that died is no endpoint any more; demand brings a replacement. */
    void onInstanceEvent(InstanceEvent e) {
        Replica r = e.to() == InstanceState.FAILED ? replicas.get(e.instanceId()) : null;
        if (r != null) {
            replicas.forget(r, e.detail());
        }
    }

    // ---- the control tick ------------------------------------------------------------------------

    /** Called by the node's control thread every few hundred milliseconds. */
    void tick() {
        if (closed) {
            return;
        }
        Instant now = scope.clock().instant();
        ServiceLoad load = replicas.load();
        int concurrency = load == null ? 0 : load.concurrency();
        autoscaler.record(concurrency);
        Map<String, Integer> inFlight = load == null ? Map.of() : load.inFlightByInstance();
        boolean used = load != null && (load.requestsTotal() != lastRequestsTotal || load.inFlight() > 0);
        if (load != null) {
            lastRequestsTotal = load.requestsTotal();
        }
        synchronized (this) {
            if (closed) {
                return; // closed meanwhile: its VM-operations executor is shut down
            }
            if (used) {
                // The router balances over every running endpoint, so traffic to the service is
                // traffic to each of them; the autoscaler, not idleness, decides how many keep serving.
                replicas.all().stream().filter(r -> r.endpoint != null).forEach(r -> r.lastUsed = now);
            }
            if (templates.settled()
                    && !now.isBefore(lastScaleTick.plus(spec.scaling().tickInterval()))) {
                lastScaleTick = now;
                scale(autoscaler.desiredScale(replicas.existing()), concurrency);
            }
            List<InstanceView> views = new ArrayList<>();
            for (Replica r : replicas.all()) {
                if (!r.busy) {
                    views.add(r.view(inFlight.getOrDefault(r.id, 0)));
                }
            }
            for (Transition t : planner.due(views, desired)) {
                Replica r = replicas.get(t.instanceId());
                if (r != null && !r.busy) {
                    r.busy = true;
                    vmOps.submit(() -> standby.step(r, t.to()));
                }
            }
            String retry = starts.retryDue(now);
            if (retry != null) {
                startLocked(true, retry);
            }
            // A safety net: requests wait and nothing is waking them (a wake failed, or they came
            // while the template was being built).
            if (load != null && load.queued() > 0 && replicas.waking.get() == 0 && replicas.running() == 0) {
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
        for (int have = replicas.existing(); have < spec.scaling().minInstances() && replicas.withinMax(); have++) {
            if (!startLocked(true, "min instances")) {
                break;
            }
        }
        int excess = replicas.running() - Math.max(desired, 0);
        if (excess > 0 && desired > 0) {
            // Scale in: the least recently used running instances stop taking requests, finish
            // what they have, then pause; the planner takes them further down from there.
            replicas.all().stream()
                    .filter(r -> !r.busy && r.tier == StandbyTier.RUNNING)
                    .sorted(Comparator.comparing((Replica r) -> r.lastUsed))
                    .limit(excess)
                    .forEach(r -> {
                        r.busy = true;
                        vmOps.submit(() -> standby.step(r, StandbyTier.PAUSED));
                    });
        }
    }

    /**
     * Wakes a sleeping instance by the fastest path, or with {@code fresh} always starts a new
     * one (clone or boot); false if nothing could be started. Caller holds the monitor.
     */
    private boolean startLocked(boolean fresh, String why) {
        if (closed || !templates.settled()) {
            // Requests wait in the router; the tick's safety net wakes for them once settled.
            return false;
        }
        List<InstanceView> idle = new ArrayList<>();
        for (Replica r : replicas.all()) {
            if (!fresh && !r.busy && r.tier != StandbyTier.RUNNING) {
                idle.add(r.view(0));
            }
        }
        WakePlan plan = planner.wake(idle, templates.template() != null);
        // On standby at the template: its snapshot is the template, so its wake is a clone.
        WakePath path = plan.path() == WakePath.RESTORE_SNAPSHOT
                        && replicas.get(plan.instanceId()).onTemplate()
                ? WakePath.CLONE_TEMPLATE
                : plan.path();
        boolean newInstance = path == WakePath.CLONE_TEMPLATE || path == WakePath.COLD_BOOT;
        if (newInstance && !starts.mayStart(scope.clock().instant())) {
            return false; // backing off after a failed start: the tick retries when it is over
        }
        String id = plan.instanceId() != null ? plan.instanceId() : replicas.nextId();
        // Memory is the node's hard limit: a start that does not fit is not made; the requests
        // wait in the router (and time out with 503) unless memory frees up before.
        if (path != WakePath.RESUME_PAUSED && !scope.capacity().admit(id, spec.vm())) {
            wakes.refused(path);
            return false;
        }
        Replica replica;
        if (plan.instanceId() != null) {
            replica = replicas.get(plan.instanceId());
            replica.busy = true;
        } else {
            replica = new Replica(id, scope.clock().instant());
            replicas.add(replica);
        }
        wakes.begin(replica);
        Replica r = replica;
        WakeMarks marks = new WakeMarks(path, demandNanos);
        lastWake = marks;
        if (path == WakePath.RESUME_PAUSED) {
            // `cont` goes out from this thread, unanswered: the vCPUs start without waiting for
            // the wake's thread (a hand-off that on a small host costs a scheduler slice); that
            // thread reads QEMU's answer. Then routed: the waiting request is granted and its
            // connection travels beside the resume (a SYN to a paused guest waits in the VMM's
            // queue until the vCPUs run).
            r.instance.resumeSoon();
            marks.routedNanos = System.nanoTime();
            replicas.route(r);
        }
        marks.submittedNanos = System.nanoTime();
        vmOps.submit(() -> wakes.wake(r, path, why, marks));
        return true;
    }

    // ---- volumes (VolumeSlots asks) -------------------------------------------------------------

    /** The replica whose guest has this volume file attached, or null ({@link VolumeHolds}). */
    String holderOf(Path file) {
        return volumeHolds.holderOf(file);
    }

    /** Retires a replica whose volumes a newer revision takes over; false while it is busy. */
    boolean evict(String replicaId) {
        return volumeHolds.evict(replicaId);
    }

    // ---- status ----------------------------------------------------------------------------------

    /** Where the latest wake's time went, with the router's latest waited request; null before any. */
    WakeTrace lastWake() {
        WakeMarks m = lastWake;
        return m == null ? null : m.trace(endpoints.lastWaited());
    }

    int count(StandbyTier tier) {
        return replicas.count(tier);
    }

    /** What the service looks like now. */
    ServiceStatus status() {
        return views.status(desired);
    }

    /** The tail of an instance's console, at most {@code maxChars}; empty if no such instance. */
    Optional<String> console(String instanceId, int maxChars) {
        return views.console(instanceId, maxChars);
    }

    // ---- the end ---------------------------------------------------------------------------------

    /**
     * Stops taking requests before a removal: no more wakes, the endpoints leave the router (new
     * and queued requests wait and then get 503), and requests in flight may finish within
     * {@code timeout}.
     */
    void quiesce(Duration timeout) {
        closeLocked();
        shutdown.quiesce(timeout);
    }

    /** Stops routing, ends every instance and removes the service's snapshots. */
    void close() {
        close(false);
    }

    /**
     * Stops routing and ends the service's VMs (the caller has taken the service out of the
     * router's directory). With {@code leaveStandby} running and paused instances are
     * snapshotted first and every snapshot and the template stay on disk, with their manifests,
     * for the next node on this state directory; otherwise all are deleted.
     */
    void close(boolean leaveStandby) {
        closeLocked();
        shutdown.close(leaveStandby);
    }

    /** Under the monitor, where VM operations are submitted after a check: none reach a shut executor. */
    private synchronized void closeLocked() {
        closed = true;
    }
}
