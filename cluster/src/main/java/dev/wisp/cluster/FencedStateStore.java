package dev.wisp.cluster;

import dev.wisp.store.Compare;
import dev.wisp.store.KeyValue;
import dev.wisp.store.Op;
import dev.wisp.store.RangeResult;
import dev.wisp.store.StateStore;
import dev.wisp.store.StoreException;
import dev.wisp.store.TxnResult;
import dev.wisp.store.Watch;
import dev.wisp.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A leader's view of the store: every transaction also compares the leader key's create revision
 * with its term's, so a write from a deposed leader fails instead of landing late. A failed
 * transaction whose fence no longer holds throws {@link NotLeaderException}; one that failed on
 * the caller's own compares returns as usual.
 */
final class FencedStateStore implements StateStore {
    private final StateStore store;
    private final LeaderElection.Term term;

    FencedStateStore(StateStore store, LeaderElection.Term term) {
        this.store = store;
        this.term = term;
    }

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        List<Compare> fenced = new ArrayList<>(compares.size() + 1);
        fenced.addAll(compares);
        fenced.add(term.fence());
        TxnResult r = store.txn(fenced, then, otherwise);
        if (!r.succeeded() && !holds()) {
            throw new NotLeaderException("write refused: " + term.leader() + " no longer leads (term "
                    + term.revision() + "); leader now: "
                    + store.get(ClusterKeys.LEADER).map(KeyValue::valueUtf8).orElse("none"));
        }
        return r;
    }

    private boolean holds() {
        return store.get(ClusterKeys.LEADER)
                .map(kv -> kv.createRevision() == term.revision())
                .orElse(false);
    }

    @Override
    public boolean delete(String key) {
        boolean existed = store.get(key).isPresent();
        txn(List.of(), List.of(Op.delete(key)), List.of());
        return existed;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return store.get(key);
    }

    @Override
    public RangeResult range(String prefix) {
        return store.range(prefix);
    }

    @Override
    public long revision() {
        return store.revision();
    }

    @Override
    public void compact(long revision) {
        if (!holds()) {
            throw new NotLeaderException("compaction refused: " + term.leader() + " no longer leads");
        }
        store.compact(revision);
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        return store.watch(prefix, fromRevision, listener);
    }

    @Override
    public long grantLease(Duration ttl) {
        return store.grantLease(ttl);
    }

    @Override
    public void keepAlive(long leaseId) {
        store.keepAlive(leaseId);
    }

    @Override
    public boolean revokeLease(long leaseId) {
        return store.revokeLease(leaseId);
    }

    @Override
    public Optional<StoreException> writeFailure() {
        return store.writeFailure();
    }

    /** The view owns nothing: the store stays open. */
    @Override
    public void close() {}
}
