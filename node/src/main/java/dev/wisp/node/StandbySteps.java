package dev.wisp.node;

import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.runtime.InstanceState;
import java.time.Duration;

/**
 * Moves one idle replica a tier down: running to paused (out of rotation, drained, vCPUs
 * stopped, memory kept), paused to snapshotted (on disk, memory freed), or retired. Runs on a
 * VM-operations thread while the replica is marked busy.
 */
record StandbySteps(ServiceScope scope, Replicas replicas, StandbyHandover handover, Wakes wakes) {
    private static final System.Logger LOG = System.getLogger(StandbySteps.class.getName());
    /** How long a draining instance may take to finish its requests before it is paused anyway. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    void step(Replica r, StandbyTier to) {
        long t0 = System.nanoTime();
        try {
            switch (to) {
                case PAUSED -> {
                    replicas.park(r);
                    replicas.drain(r, DRAIN_TIMEOUT);
                    r.instance.pause();
                }
                case SNAPSHOTTED -> {
                    replicas.unroute(r);
                    r.instance.snapshot(scope.standbyDirectory().resolve(r.id));
                    handover.writeManifest(r);
                }
                case GONE -> {
                    replicas.unroute(r);
                    replicas.remove(r);
                    if (r.instance != null) {
                        r.instance.stop();
                    }
                    wakes.discardAdopted(r);
                }
                case RUNNING -> throw new IllegalStateException("waking is not a standby step");
            }
            String from = NodeMetrics.name(r.tier);
            r.tier = to;
            if (to != StandbyTier.PAUSED) {
                scope.capacity().release(r.id);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            scope.metrics().standbyStep(scope.name(), to, took);
            scope.changed(
                    r.id,
                    from,
                    NodeMetrics.name(to),
                    to == StandbyTier.PAUSED ? "pause" : to == StandbyTier.SNAPSHOTTED ? "snapshot" : "retire",
                    took);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    scope.name() + ": " + r.id + " -> " + NodeMetrics.name(to) + " failed: " + e.getMessage());
            if (r.instance != null && r.instance.state() == InstanceState.READY) {
                replicas.route(r);
            } else if (r.instance == null || r.instance.state().isTerminal()) {
                replicas.forget(r, e.getMessage());
            }
        } finally {
            r.busy = false;
        }
    }
}
