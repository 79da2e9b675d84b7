package dev.wisp.cluster;

import dev.wisp.store.Compare;
import dev.wisp.store.KeyValue;
import dev.wisp.store.LeaseNotFoundException;
import dev.wisp.store.Op;
import dev.wisp.store.StateStore;
import dev.wisp.store.TxnResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One leader for the cluster-wide loops, elected through the store: a candidate creates {@link
 * ClusterKeys#LEADER} on its own lease with a compare-and-swap on the key's absence, then keeps
 * the lease alive every ttl/3. When the leader dies its lease lapses, the store deletes the key,
 * and a candidate (each looks every {@link #POLL}) takes it: a dead leader is replaced within the
 * ttl plus about half a second.
 *
 * <p>A leader that loses its lease (a long pause, the store unreachable for a ttl) learns it at
 * its next keep-alive and is told {@link Listener#deposed}; until then, and forever after, its
 * writes through {@link Term#fenced} fail: each carries a compare on the leader key's create
 * revision, which is unique to one term.
 */
public final class LeaderElection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());
    /** How often a candidate looks whether the leader key is free. */
    static final Duration POLL = Duration.ofMillis(200);

    /** Told, in order, on one thread of the election's own, when this node gains and loses leadership. */
    public interface Listener {
        /** This node leads from now on, for {@code term}. */
        void elected(Term term);

        /** This node no longer leads {@code term} (lease lost, another leader, or {@link #close}). */
        void deposed(Term term);
    }

    /**
     * One node's leadership, from the leader key's creation to its deletion.
     *
     * @param leader the node's name
     * @param revision the leader key's create revision: the fencing token
     */
    public record Term(String leader, long revision) {
        /** The compare a write must carry to apply only while this term lasts. */
        public Compare fence() {
            return Compare.createRevision(ClusterKeys.LEADER, revision);
        }

        /**
         * {@code store} with every write fenced by this term: once another term begins (or the key
         * is gone), they fail with {@link NotLeaderException} and change nothing. Reads, watches
         * and leases pass through; closing the view leaves {@code store} open.
         */
        public StateStore fenced(StateStore store) {
            return new FencedStateStore(store, this);
        }
    }

    private final StateStore store;
    private final String name;
    private final Duration ttl;
    private final Listener listener;
    private final ScheduledExecutorService loop;
    private final ExecutorService callbacks;
    private long lease;
    private long lastKeepAlive;
    private volatile Term term;
    private volatile boolean closed;

    private LeaderElection(StateStore store, String name, Duration ttl, Listener listener) {
        this.store = Objects.requireNonNull(store, "store");
        this.name = NodeRecord.requireName(name);
        this.ttl = ttl;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.loop = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("wisp-election").daemon().factory());
        this.callbacks = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("wisp-leader-loops").daemon().factory());
    }

    /** Starts campaigning as {@code name}, with a leader lease of {@code ttl} (at least 1 s). */
    public static LeaderElection start(StateStore store, String name, Duration ttl, Listener listener) {
        if (ttl.toMillis() < 1000) {
            throw new IllegalArgumentException("lease ttl must be at least 1 s, was " + ttl);
        }
        LeaderElection e = new LeaderElection(store, name, ttl, listener);
        e.loop.scheduleWithFixedDelay(e::tick, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        return e;
    }

    /** The term this node leads now, if it does. */
    public Optional<Term> term() {
        return Optional.ofNullable(term);
    }

    /** Whether this node leads now. */
    public boolean isLeader() {
        return term != null;
    }

    /** The current leader's name, as the store says. */
    public Optional<String> leader() {
        return store.get(ClusterKeys.LEADER).map(KeyValue::valueUtf8);
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        try {
            if (term == null) {
                campaign();
            } else {
                hold();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "election of " + name + ": " + e);
            // Store unreachable: past a ttl without a keep-alive the lease has surely lapsed.
            if (term != null && System.nanoTime() - lastKeepAlive > ttl.toNanos()) {
                LOG.log(System.Logger.Level.WARNING, name + ": no keep-alive for a lease ttl, stepping down: " + e);
                stepDown();
            }
        }
    }

    private void campaign() {
        Optional<KeyValue> current = store.get(ClusterKeys.LEADER);
        if (current.isPresent()) {
            return;
        }
        if (lease == 0) {
            lease = store.grantLease(ttl);
        }
        TxnResult r;
        try {
            r = store.txn(
                    List.of(Compare.absent(ClusterKeys.LEADER)),
                    List.of(Op.put(ClusterKeys.LEADER, name.getBytes(StandardCharsets.UTF_8), lease)),
                    List.of());
        } catch (LeaseNotFoundException e) {
            lease = 0; // lapsed while we waited as a candidate; grant a fresh one next time
            return;
        }
        if (r.succeeded()) {
            lastKeepAlive = System.nanoTime();
            Term t = new Term(name, r.revision());
            term = t;
            LOG.log(System.Logger.Level.INFO, name + " leads the cluster (term " + t.revision() + ")");
            callbacks.execute(() -> listener.elected(t));
        }
    }

    private void hold() {
        if (System.nanoTime() - lastKeepAlive < ttl.toNanos() / 3) {
            return;
        }
        try {
            store.keepAlive(lease);
            lastKeepAlive = System.nanoTime();
        } catch (LeaseNotFoundException e) {
            LOG.log(System.Logger.Level.WARNING, name + ": leader lease lapsed, stepping down");
            stepDown();
            return;
        }
        Optional<KeyValue> kv = store.get(ClusterKeys.LEADER);
        if (kv.isEmpty() || kv.get().createRevision() != term.revision()) {
            LOG.log(System.Logger.Level.WARNING, name + ": the leader key changed hands, stepping down");
            stepDown();
        }
    }

    private void stepDown() {
        Term t = term;
        term = null;
        long old = lease;
        lease = 0;
        if (old != 0) {
            try {
                store.revokeLease(old);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "revoking the old leader lease: " + e);
            }
        }
        if (t != null) {
            callbacks.execute(() -> listener.deposed(t));
        }
    }

    /**
     * Stops campaigning; a leader steps down (its lease revoked, so another node takes over at
     * once) and is told {@link Listener#deposed} before this returns.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            stepDown();
        }
        loop.shutdownNow();
        callbacks.shutdown();
        try {
            callbacks.awaitTermination(100, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
