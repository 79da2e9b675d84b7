package dev.wisp.cluster;

import dev.wisp.store.Compare;
import dev.wisp.store.ForwardingStateStore;
import dev.wisp.store.KeyValue;
import dev.wisp.store.Op;
import dev.wisp.store.StateStore;
import dev.wisp.store.TxnResult;
import java.util.ArrayList;
import java.util.List;

/**
 * A leader's view of the store: every transaction also compares the leader key's create revision
 * with its term's, so a write from a deposed leader fails instead of landing late. A failed
 * transaction whose fence no longer holds throws {@link NotLeaderException}; one that failed on
 * the caller's own compares returns as usual.
 */
final class FencedStateStore extends ForwardingStateStore {
    private final LeaderElection.Term term;

    FencedStateStore(StateStore store, LeaderElection.Term term) {
        super(store);
        this.term = term;
    }

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        List<Compare> fenced = new ArrayList<>(compares.size() + 1);
        fenced.addAll(compares);
        fenced.add(term.fence());
        TxnResult r = delegate().txn(fenced, then, otherwise);
        if (!r.succeeded() && !holds()) {
            throw new NotLeaderException("write refused: " + term.leader() + " no longer leads (term "
                    + term.revision() + "); leader now: "
                    + delegate()
                            .get(ClusterKeys.LEADER)
                            .map(KeyValue::valueUtf8)
                            .orElse("none"));
        }
        return r;
    }

    private boolean holds() {
        return delegate()
                .get(ClusterKeys.LEADER)
                .map(kv -> kv.createRevision() == term.revision())
                .orElse(false);
    }

    @Override
    public boolean delete(String key) {
        boolean existed = delegate().get(key).isPresent();
        txn(List.of(), List.of(Op.delete(key)), List.of());
        return existed;
    }

    @Override
    public void compact(long revision) {
        if (!holds()) {
            throw new NotLeaderException("compaction refused: " + term.leader() + " no longer leads");
        }
        delegate().compact(revision);
    }

    /** The view owns nothing: the store stays open. */
    @Override
    public void close() {}
}
