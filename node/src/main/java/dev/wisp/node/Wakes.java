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
    }

    /** @param lock the controller's monitor, which guards the replicas' bookkeeping */
    Wakes(ServiceScope scope, Replicas replicas, TemplateWarmer templates, Object lock, Outcomes outcomes) {
        this.scope = scope;
        this.replicas = replicas;
        this.templates = templates;
        this.lock = lock;
        this.outcomes = outcomes;
    }

    void wake(Replica r, WakePath path, String why, WakeMarks marks) {
        long t0 = System.nanoTime();
        marks.threadNanos = t0;
        String from = path == WakePath.RESUME_PAUSED
                ? "paused"
                : path == WakePath.RESTORE_SNAPSHOT || r.onTemplate() ? "snapshotted" : "none";
        Snapshot spent = null;
        try {
            switch (path) {
                case RESUME_PAUSED -> r.instance.resume();
                case RESTORE_SNAPSHOT -> spent = restoreSnapshot(r);
                case CLONE_TEMPLATE -> r.instance = scope.runtime().cloneFrom(templates.template(), r.id);
                case COLD_BOOT -> r.instance = boot(r);
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
            }
            deleteSpent(spent); // after routing: the waiting request goes first
            spent = null;
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
        } catch (RuntimeException e) {
            scope.metrics().wakeFailed(scope.name(), path);
            LOG.log(
                    System.Logger.Level.WARNING,
                    scope.name() + ": wake of " + r.id + " via " + NodeMetrics.name(path) + " failed: "
                            + e.getMessage());
            replicas.remove(r);
            replicas.unroute(r);
            if (r.instance != null) {
                r.instance.stop();
            }
            discardAdopted(r);
            deleteSpent(spent);
            scope.capacity().release(r.id);
            scope.changed(r.id, from, "gone", NodeMetrics.name(path), Duration.ofNanos(System.nanoTime() - t0));
            outcomes.startFailed(path, e);
        } finally {
            replicas.waking.decrementAndGet();
        }
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
