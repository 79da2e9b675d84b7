package dev.wisp.control;

import dev.wisp.cluster.LeaderElection;
import dev.wisp.store.StateStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The cluster-wide loops of one node in cluster mode: run only while it leads. Elected, it starts a
 * reconciler whose writes are fenced by the term (a deposed leader's late writes fail) and resumes
 * the stored functions and their unfinished async invocations; deposed, it stops the reconciler.
 * The API's triggers reach the reconciler where there is one and return at once elsewhere: the
 * leader's watch on the store sees every change any node's API writes.
 */
final class LeaderLoops implements Reconciling, LeaderElection.Listener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaderLoops.class.getName());

    private final StateStore store;
    private final InstantSource clock;
    private final Function<Registry, Reconciler> reconcilers;
    private final Runnable resumeFunctions;
    private volatile Reconciler current;

    LeaderLoops(
            StateStore store,
            InstantSource clock,
            Function<Registry, Reconciler> reconcilers,
            Runnable resumeFunctions) {
        this.store = store;
        this.clock = clock;
        this.reconcilers = reconcilers;
        this.resumeFunctions = resumeFunctions;
    }

    @Override
    public void elected(LeaderElection.Term term) {
        Reconciler r = reconcilers.apply(new Registry(term.fenced(store), clock));
        try {
            r.start();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "leader: the reconciler's first pass failed (it retries): " + e);
        }
        current = r;
        try {
            resumeFunctions.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "leader: resuming functions failed: " + e);
        }
    }

    @Override
    public void deposed(LeaderElection.Term term) {
        Reconciler r = current;
        current = null;
        if (r != null) {
            r.close();
        }
    }

    /** Whether this node runs the loops now. */
    boolean running() {
        return current != null;
    }

    @Override
    public CompletableFuture<Void> trigger() {
        Reconciler r = current;
        return r == null ? CompletableFuture.completedFuture(null) : r.trigger();
    }

    @Override
    public void reconcileNow(Duration timeout) {
        Reconciler r = current;
        if (r != null) {
            r.reconcileNow(timeout);
        }
    }

    @Override
    public void close() {
        deposed(null);
    }
}
