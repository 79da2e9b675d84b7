package dev.wisp.node;

import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.autoscaler.WakePath;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.Snapshot;
import dev.wisp.runtime.Volume;
import java.time.Duration;
import java.util.List;

/**
 * Brings one replica to serving by the path the standby planner chose: resume a paused VM,
 * restore a snapshotted one (this node's or one an earlier node left), clone the warm template,
 * or boot cold. Runs on a VM-operations thread; the replica is marked busy meanwhile.
 */
final class Wakes {
    private static final System.Logger LOG = System.getLogger(Wakes.class.getName());

    private final ServiceScope scope;
    private final Replicas replicas;
    private final TemplateWarmer templates;
    private final Object lock;
    private final Outcomes outcomes;
    private long lastRefusalLog;

    /** What the controller learns of starts of new instances (clone or boot), on the wake's thread. */
    interface Outcomes {
        void started(WakePath path);

        void startFailed(WakePath path, RuntimeException e);

        /** Whether the controller has closed: then a failed wake is not tried again. */
        boolean closed();
    }

    /** @param lock the controller's monitor, which guards the replicas' bookkeeping */
    Wakes(ServiceScope scope, Replicas replicas, TemplateWarmer templates, Object lock, Outcomes outcomes) {
        this.scope = scope;
        this.replicas = replicas;
        this.templates = templates;
        this.lock = lock;
        this.outcomes = outcomes;
    }

    /** A wake of {@code r} is decided: it is on its way up until {@link #wake} ends. Caller holds the lock. */
    void begin(Replica r) {
        r.waking = true;
        replicas.waking.incrementAndGet();
    }

    /**
     * Wakes {@code r} by {@code path}; a failure of the host is tried again at once by the best
     * path left ({@link WakeRetries}) while the requests wait, any other failure ends the wake.
     */
    void wake(Replica r, WakePath path, String why, WakeMarks marks) {
        long t0 = System.nanoTime();
        marks.threadNanos = t0;
        String from = path == WakePath.RESUME_PAUSED
                ? "paused"
                : path == WakePath.RESTORE_SNAPSHOT || r.onTemplate() ? "snapshotted" : "none";
        WakePath p = path;
        try {
            for (int retried = 0; ; retried++) {
                RuntimeException e = attempt(r, p, why, marks, t0, from);
                if (e == null) {
                    return;
                }
                if (outcomes.closed() || !WakeRetries.retry(e, retried)) {
                    failed(r, p, e, from, t0, retried);
                    return;
                }
                p = retryAfter(r, p, e, retried + 1);
            }
        } finally {
            r.waking = false;
            replicas.waking.decrementAndGet();
        }
    }

    /** One try; null once {@code r} serves, else why it did not. */
    private RuntimeException attempt(Replica r, WakePath path, String why, WakeMarks marks, long t0, String from) {
        Snapshot spent = null;
        try {
            switch (path) {
                case RESUME_PAUSED -> r.instance.resume();
                case RESTORE_SNAPSHOT -> spent = restoreSnapshot(r);
                case CLONE_TEMPLATE -> r.instance = scope.runtime().cloneFrom(templates.template(), r.id);
                case COLD_BOOT -> r.instance = boot(r);
            }
        } catch (RuntimeException e) {
            return e;
        }
        long done = System.nanoTime();
        marks.doneNanos = done;
        marks.vm = r.instance.lastWake().orElse(null);
        Duration took = Duration.ofNanos(done - t0);
        synchronized (lock) {
            r.tier = StandbyTier.RUNNING;
            r.lastUsed = scope.clock().instant();
            if (r.endpoint == null) {
                marks.routedNanos = System.nanoTime(); // before: a grant may run at once on an event loop
                replicas.route(r);
            }
            r.busy = false;
            r.waking = false; // from here a death of the instance is the runtime listener's again
        }
        deleteSpent(spent); // after routing: the waiting request goes first
        outcomes.started(path);
        scope.metrics().wake(scope.name(), path, took);
        scope.changed(r.id, from, "running", NodeMetrics.name(path), took);
        LOG.log(
                System.Logger.Level.DEBUG,
                "{0}: {1} woke via {2} in {3} ms ({4})",
                scope.name(),
                r.id,
                NodeMetrics.name(path),
                took.toMillis(),
                why);
        return null;
    }

    /**
     * Clears what a try that failed for a host reason left (its dead instance, its endpoint if
     * it was routed early) and keeps its snapshot; returns the path of the next try.
     */
    private WakePath retryAfter(Replica r, WakePath failed, RuntimeException e, int retry) {
        scope.metrics().wakeRetried(scope.name(), failed);
        replicas.unrouteDead(r);
        Snapshot kept = keptSnapshot(r);
        r.instance = null; // failed: its VMM is gone, the runtime has forgotten it
        r.adopted = kept;
        WakePath next = WakeRetries.next(failed, kept != null, templates.template() != null);
        LOG.log(
                System.Logger.Level.WARNING,
                "{0}: wake of {1} via {2} failed for a reason of the host, trying again via {3} (retry {4} of {5}): {6}",
                scope.name(),
                r.id,
                NodeMetrics.name(failed),
                NodeMetrics.name(next),
                retry,
                WakeRetries.MAX_RETRIES,
                e.getMessage());
        return next;
    }

    /** The standby snapshot a failed restore of {@code r} kept, or null. */
    private static Snapshot keptSnapshot(Replica r) {
        if (r.adopted != null) {
            return r.adopted;
        }
        return r.instance == null ? null : r.instance.standbySnapshot().orElse(null);
    }

    /**
     * The wake is over without an instance: out of the books and the router, its memory released.
     * A snapshot kept through failures of the host stays, with its replica, for the next wake;
     * the app's own failure goes to the crash-loop back-off.
     */
    private void failed(Replica r, WakePath path, RuntimeException e, String from, long t0, int retried) {
        scope.metrics().wakeFailed(scope.name(), path);
        boolean host = WakeRetries.hostFault(e);
        LOG.log(
                System.Logger.Level.WARNING,
                scope.name() + ": wake of " + r.id + " via " + NodeMetrics.name(path) + " failed"
                        + (host ? " for a reason of the host (after " + retried + " retries)" : "") + ": "
                        + e.getMessage());
        Snapshot kept = host ? keptSnapshot(r) : null;
        replicas.unrouteDead(r);
        if (kept != null) {
            synchronized (lock) {
                r.instance = null;
                r.adopted = kept;
                r.tier = StandbyTier.SNAPSHOTTED;
                r.busy = false;
            }
            scope.capacity().release(r.id);
        } else {
            replicas.remove(r);
            if (r.instance != null) {
                r.instance.stop();
            }
            discardAdopted(r);
            scope.capacity().release(r.id);
            scope.changed(r.id, from, "gone", NodeMetrics.name(path), Duration.ofNanos(System.nanoTime() - t0));
        }
        outcomes.startFailed(path, e);
    }

    /** Boots a new instance, with a set of the service's volumes no other live instance holds. */
    private Instance boot(Replica r) {
        ServiceSpec spec = scope.spec();
        if (spec.volumes().isEmpty()) {
            return scope.runtime().boot(r.id, spec.vm());
        }
        List<Volume> attached = scope.volumeSlots().reserve(spec);
        try {
            return scope.runtime()
                    .boot(r.id, spec.vm().withBoot(spec.vm().boot().withVolumes(attached)));
        } finally {
            scope.volumeSlots().release(attached);
        }
    }

    /**
     * Restores a snapshotted replica, whether this node put it to sleep or an earlier one did;
     * returns the spent snapshot, still on disk, for {@link #deleteSpent} once the replica is routed.
     */
    private Snapshot restoreSnapshot(Replica r) {
        Snapshot s = r.adopted;
        if (s == null) {
            return r.instance.restoreLeavingStandby();
        }
        scope.runtime().instances(); // drops stopped instances of an earlier node on this runtime that share the id
        r.instance = scope.runtime().restore(s, r.id);
        r.adopted = null;
        return s;
    }

    /** The instance runs again: its sleep is over, and so is its standby snapshot. */
    private void deleteSpent(Snapshot spent) {
        if (spent != null) {
            scope.runtime().deleteSnapshot(spent.directory());
        }
    }

    /** Deletes the snapshot an earlier node left for {@code r}, if it still has one. */
    void discardAdopted(Replica r) {
        Snapshot s = r.adopted;
        r.adopted = null;
        if (s != null) {
            scope.runtime().deleteSnapshot(s.directory());
        }
    }

    /** Counts (and now and then logs) a wake that memory admission refused. */
    void refused(WakePath path) {
        scope.metrics().capacityRefused(scope.name());
        long now = System.nanoTime();
        if (now - lastRefusalLog > 10_000_000_000L || lastRefusalLog == 0) {
            lastRefusalLog = now;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: {1} of a {2} MiB instance refused: node memory full ({3} of {4} MiB" + " allocated)",
                    scope.name(),
                    NodeMetrics.name(path),
                    scope.spec().vm().memoryMib(),
                    scope.capacity().allocatedMemoryMiB(),
                    scope.capacity().limitMiB());
        }
    }
}
