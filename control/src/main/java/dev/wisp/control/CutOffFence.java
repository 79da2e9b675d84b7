package dev.wisp.control;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Stops a cluster node serving its assignments while it is cut off from etcd: once no keep-alive
 * was confirmed for a lease ttl, etcd may have expired its lease and the leader placed its work on
 * other nodes, so running it here too would serve it twice. Says so in the log; the node's
 * assigned work runs again once etcd confirms a keep-alive (it then holds a lease again and reads
 * its assignments afresh).
 */
final class CutOffFence implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CutOffFence.class.getName());
    private static final long EVERY_MS = 250;

    private final String node;
    private final BooleanSupplier cutOff;
    private final Runnable stopAssigned;
    private final ScheduledExecutorService check = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("wisp-cutoff-fence").daemon().factory());
    private volatile boolean fenced;

    private CutOffFence(String node, BooleanSupplier cutOff, Runnable stopAssigned) {
        this.node = node;
        this.cutOff = cutOff;
        this.stopAssigned = stopAssigned;
    }

    /**
     * A fence checking from now on.
     *
     * @param cutOff whether no keep-alive was confirmed within the lease ttl
     * @param stopAssigned stops every service this node runs for its assignments
     */
    static CutOffFence start(String node, BooleanSupplier cutOff, Runnable stopAssigned) {
        CutOffFence fence = new CutOffFence(node, cutOff, stopAssigned);
        fence.check.scheduleWithFixedDelay(fence::check, EVERY_MS, EVERY_MS, TimeUnit.MILLISECONDS);
        return fence;
    }

    /** Whether this node is fenced now: it runs none of its assignments. */
    boolean fenced() {
        return fenced || cutOff.getAsBoolean();
    }

    private void check() {
        boolean now = cutOff.getAsBoolean();
        if (now && !fenced) {
            fenced = true;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "node " + node + ": cut off from etcd (no keep-alive confirmed within the lease ttl): stopping"
                            + " the services assigned here, which the leader places elsewhere; new work waits until"
                            + " etcd answers again");
            // On its own thread: stopping VMs must not delay the next check.
            Thread.ofVirtual().name("wisp-fence-stop").start(stopAssigned);
        } else if (!now && fenced) {
            fenced = false;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "node " + node + ": etcd answers again: rejoined, running what is assigned here now");
        }
    }

    @Override
    public void close() {
        check.shutdownNow();
    }
}
