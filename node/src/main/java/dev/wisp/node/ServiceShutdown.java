package dev.wisp.node;

import dev.wisp.router.ServiceEndpoints;
import dev.wisp.router.ServiceLoad;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link ServiceController} ends its service on this node, once it has marked itself
 * closed: quiesce before a removal (requests in flight may finish), and close, either ending
 * every VM and deleting its snapshots or leaving them in standby for the next node.
 */
record ServiceShutdown(
        ServiceScope scope,
        ServiceEndpoints endpoints,
        Replicas replicas,
        TemplateWarmer templates,
        StandbyHandover handover,
        ExecutorService vmOps) {
    private static final System.Logger LOG = System.getLogger(ServiceShutdown.class.getName());

    /** Waits for VM operations, takes the endpoints out, lets requests in flight finish. */
    void quiesce(Duration timeout) {
        vmOps.shutdown();
        awaitVmOps();
        replicas.unrouteAll();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceLoad load = replicas.load();
            if (load == null || load.inFlight() == 0) {
                return;
            }
            Replicas.sleep(5);
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "{0}: requests still in flight after {1} s; stopping anyway",
                scope.name(),
                timeout.toSeconds());
    }

    /** Ends the VMs, leaving running and paused ones snapshotted with {@code leaveStandby}. */
    void close(boolean leaveStandby) {
        endpoints.changed();
        vmOps.shutdown();
        awaitVmOps();
        replicas.all().parallelStream().forEach(r -> {
            try {
                if (leaveStandby) {
                    handover.leave(r);
                } else if (r.instance != null) {
                    r.instance.stop();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + r.id + ": " + e.getMessage());
            } finally {
                scope.capacity().release(r.id);
            }
            if (!leaveStandby) {
                scope.changed(r.id, NodeMetrics.name(r.tier), "gone", "remove", Duration.ZERO);
            }
        });
        replicas.clear();
        templates.release(leaveStandby);
        if (!leaveStandby) {
            scope.runtime().deleteSnapshot(scope.standbyDirectory());
        }
        scope.metrics().forget(scope.spec().name());
    }

    private void awaitVmOps() {
        try {
            vmOps.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
