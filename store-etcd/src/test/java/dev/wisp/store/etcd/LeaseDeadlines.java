package dev.wisp.store.etcd;

import dev.wisp.store.Compare;
import dev.wisp.store.KeyValue;
import dev.wisp.store.Op;
import dev.wisp.store.RangeResult;
import dev.wisp.store.StateStore;
import dev.wisp.store.TxnResult;
import dev.wisp.store.Watch;
import dev.wisp.store.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Passes every call to the real store and notes each lease's deadline as the client sees it (the
 * time the grant or keep-alive returned, plus the ttl etcd rounds to), so a test that lets real time
 * pass knows which leases etcd must have expired. Notes only: it changes no call or answer.
 */
final class LeaseDeadlines implements StateStore {

    private final StateStore store;
    private final Map<Long, Long> deadlines;
    private final Map<Long, Long> ttlNanos = new java.util.concurrent.ConcurrentHashMap<>();

    LeaseDeadlines(StateStore store, Map<Long, Long> deadlines) {
        this.store = store;
        this.deadlines = deadlines;
    }

    @Override
    public long grantLease(Duration ttl) {
        long id = store.grantLease(ttl);
        long nanos = Duration.ofSeconds(ttl.plusNanos(999_999_999).toSeconds()).toNanos();
        ttlNanos.put(id, nanos);
        deadlines.put(id, System.nanoTime() + nanos);
        return id;
    }

    @Override
    public void keepAlive(long leaseId) {
        store.keepAlive(leaseId);
        Long nanos = ttlNanos.get(leaseId);
        if (nanos != null) {
            deadlines.put(leaseId, System.nanoTime() + nanos);
        }
    }

    @Override
    public boolean revokeLease(long leaseId) {
        boolean revoked = store.revokeLease(leaseId);
        deadlines.remove(leaseId);
        return revoked;
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
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        return store.txn(compares, then, otherwise);
    }

    @Override
    public boolean delete(String key) {
        return store.delete(key);
    }

    @Override
    public void compact(long revision) {
        store.compact(revision);
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        return store.watch(prefix, fromRevision, listener);
    }

    @Override
    public void close() {
        store.close();
    }
}
