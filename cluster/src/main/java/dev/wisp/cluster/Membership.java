package dev.wisp.cluster;

import dev.wisp.store.Compare;
import dev.wisp.store.KeyValue;
import dev.wisp.store.LeaseNotFoundException;
import dev.wisp.store.Op;
import dev.wisp.store.StateStore;
import dev.wisp.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This node's place in the cluster: a record on a lease of {@code ttl} ({@link ClusterKeys#node}),
 * kept alive every ttl/3 and rewritten when its figures change (or every {@link #REWRITE}), plus a
 * copy without a lease ({@link ClusterKeys#seen}) so a node whose lease lapsed is listed as lost
 * with what it last said. A lease found lapsed while the process lives (a long pause, etcd
 * unreachable for longer than the ttl) is granted again and the record rewritten.
 */
public final class Membership implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Membership.class.getName());
    /** The record is rewritten at least this often, so a lost node's last-seen time is this close. */
    static final Duration REWRITE = Duration.ofSeconds(10);

    private final StateStore store;
    private final String name;
    private final Supplier<NodeRecord> self;
    private final Duration ttl;
    private final InstantSource clock;
    private final ScheduledExecutorService beat;
    private long lease;
    private NodeRecord written;
    private Instant writtenAt = Instant.EPOCH;
    private volatile boolean closed;
    /** When the last keep-alive that etcd confirmed was sent: the lease lives at least a ttl after it. */
    private volatile long confirmedSentAt = System.nanoTime();

    private Membership(StateStore store, Supplier<NodeRecord> self, Duration ttl, InstantSource clock) {
        this.store = store;
        this.self = self;
        this.ttl = ttl;
        this.clock = clock;
        this.name = self.get().name();
        this.beat = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("wisp-membership").daemon().factory());
    }

    /**
     * Joins: writes this node's record on a new lease and keeps it alive until {@link #close}.
     * A live record of the same name (another process, or this node's previous life whose lease
     * has not lapsed yet) is waited for up to ttl + 2 s.
     *
     * @param self this node's current figures; called on every heartbeat
     * @throws IllegalStateException if another live node holds the name after that wait
     */
    public static Membership join(StateStore store, Supplier<NodeRecord> self, Duration ttl, InstantSource clock) {
        Objects.requireNonNull(store, "store");
        if (ttl.toMillis() < 1000) {
            throw new IllegalArgumentException("lease ttl must be at least 1 s, was " + ttl);
        }
        Membership m = new Membership(store, self, ttl, clock);
        m.register(ttl.plusSeconds(2));
        long every = Math.max(100, ttl.toMillis() / 3);
        m.beat.scheduleWithFixedDelay(m::heartbeat, every, every, TimeUnit.MILLISECONDS);
        return m;
    }

    /** This node's name. */
    public String name() {
        return name;
    }

    private void register(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        long sent = System.nanoTime();
        long id = store.grantLease(ttl);
        NodeRecord rec = self.get().withHeartbeat(clock.instant().toString());
        while (true) {
            byte[] value = ClusterJson.bytes(rec);
            boolean ok = store.txn(
                            List.of(Compare.absent(ClusterKeys.node(name))),
                            List.of(Op.put(ClusterKeys.node(name), value, id), Op.put(ClusterKeys.seen(name), value)),
                            List.of())
                    .succeeded();
            if (ok) {
                synchronized (this) {
                    lease = id;
                    written = rec;
                    writtenAt = clock.instant();
                }
                confirmedSentAt = sent;
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                store.revokeLease(id);
                throw new IllegalStateException("node name '" + name + "' is held by a live node (its lease has not"
                        + " lapsed within " + wait.toSeconds() + " s): give this node another --node name");
            }
            sleep(200);
        }
    }

    private synchronized void heartbeat() {
        if (closed) {
            return;
        }
        try {
            long sent = System.nanoTime();
            try {
                store.keepAlive(lease);
            } catch (LeaseNotFoundException e) {
                LOG.log(System.Logger.Level.WARNING, "node " + name + ": lease lapsed, joining again");
                lease = store.grantLease(ttl);
                written = null;
            }
            confirmedSentAt = sent;
            NodeRecord now = self.get();
            Instant at = clock.instant();
            boolean changed = written == null || !now.equals(written.withHeartbeat(now.heartbeatAt()));
            if (changed || !at.isBefore(writtenAt.plus(REWRITE))) {
                NodeRecord rec = now.withHeartbeat(at.toString());
                byte[] value = ClusterJson.bytes(rec);
                store.txn(
                        List.of(),
                        List.of(Op.put(ClusterKeys.node(name), value, lease), Op.put(ClusterKeys.seen(name), value)),
                        List.of());
                written = rec;
                writtenAt = at;
            }
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "node " + name + ": heartbeat failed (retrying): " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "node " + name + ": heartbeat failed (retrying): " + e);
        }
    }

    /**
     * Whether this node may have lost its place: no keep-alive sent in the last ttl was confirmed,
     * so etcd may have expired its lease and the leader placed its work elsewhere. A node cut off
     * from etcd (or paused) this long stops serving its assignments until it is confirmed again.
     */
    public boolean cutOff() {
        return !closed && System.nanoTime() - confirmedSentAt > ttl.toNanos();
    }

    /** Every node the cluster has seen, by name: live ones ready or draining, the others lost. */
    public List<Member> list() {
        return list(store);
    }

    /** {@link #list()} read from {@code store} by anyone (no membership needed). */
    public static List<Member> list(StateStore store) {
        Map<String, NodeRecord> seen = new TreeMap<>();
        for (KeyValue kv : store.range(ClusterKeys.SEEN).kvs()) {
            seen.put(
                    kv.key().substring(ClusterKeys.SEEN.length()),
                    ClusterJson.read(kv.value(), NodeRecord.class, kv.key()));
        }
        Map<String, NodeRecord> live = new TreeMap<>();
        for (KeyValue kv : store.range(ClusterKeys.NODES).kvs()) {
            live.put(
                    kv.key().substring(ClusterKeys.NODES.length()),
                    ClusterJson.read(kv.value(), NodeRecord.class, kv.key()));
        }
        List<String> draining = store.range(ClusterKeys.DRAINING).kvs().stream()
                .map(kv -> kv.key().substring(ClusterKeys.DRAINING.length()))
                .toList();
        String leader = store.get(ClusterKeys.LEADER).map(KeyValue::valueUtf8).orElse(null);
        seen.putAll(live);
        List<Member> out = new ArrayList<>();
        seen.forEach((n, rec) -> {
            Member.State state = !live.containsKey(n)
                    ? Member.State.LOST
                    : draining.contains(n) ? Member.State.DRAINING : Member.State.READY;
            out.add(new Member(rec, state, n.equals(leader) && state != Member.State.LOST));
        });
        return out;
    }

    /**
     * Marks a node draining (any node may do this for any other): it stays a member and keeps
     * what it runs; placement, once built, moves its instances away and places nothing new on it.
     *
     * @return false if it was draining already
     * @throws IllegalArgumentException if the cluster has never seen a node of that name
     */
    public static boolean drain(StateStore store, String node, String by, InstantSource clock) {
        NodeRecord.requireName(node);
        if (store.get(ClusterKeys.seen(node)).isEmpty()) {
            throw new IllegalArgumentException("no node '" + node + "' in the cluster");
        }
        byte[] value = ClusterJson.bytes(Map.of("since", clock.instant().toString(), "by", by));
        return store.putIfAbsent(ClusterKeys.draining(node), value).isPresent();
    }

    /** The member of that name, if the cluster has seen it. */
    public static Optional<Member> member(StateStore store, String node) {
        return list(store).stream().filter(m -> m.node().name().equals(node)).findFirst();
    }

    /**
     * Leaves: stops the heartbeat and revokes the lease, so the node is listed lost at once (its
     * seen record stays).
     */
    @Override
    public void close() {
        closed = true;
        beat.shutdownNow();
        long id;
        synchronized (this) {
            id = lease;
        }
        try {
            if (id != 0) {
                store.revokeLease(id);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "node " + name + ": revoking the lease at leave: " + e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted joining the cluster", e);
        }
    }
}
