package dev.wisp.store.etcd;

import dev.wisp.store.ForwardingStateStore;
import dev.wisp.store.StateStore;
import java.time.Duration;
import java.util.Map;

/**
 * Passes every call to the real store and notes each lease's deadline as the client sees it (the
 * time the grant or keep-alive returned, plus the ttl etcd rounds to), so a test that lets real time
 * pass knows which leases etcd must have expired. Notes only: it changes no call or answer.
 */
final class LeaseDeadlines extends ForwardingStateStore {
    private final Map<Long, Long> deadlines;
    private final Map<Long, Long> ttlNanos = new java.util.concurrent.ConcurrentHashMap<>();

    LeaseDeadlines(StateStore store, Map<Long, Long> deadlines) {
        super(store);
        this.deadlines = deadlines;
    }

    @Override
    public long grantLease(Duration ttl) {
        long id = delegate().grantLease(ttl);
        long nanos = Duration.ofSeconds(ttl.plusNanos(999_999_999).toSeconds()).toNanos();
        ttlNanos.put(id, nanos);
        deadlines.put(id, System.nanoTime() + nanos);
        return id;
    }

    @Override
    public void keepAlive(long leaseId) {
        delegate().keepAlive(leaseId);
        Long nanos = ttlNanos.get(leaseId);
        if (nanos != null) {
            deadlines.put(leaseId, System.nanoTime() + nanos);
        }
    }

    @Override
    public boolean revokeLease(long leaseId) {
        boolean revoked = delegate().revokeLease(leaseId);
        deadlines.remove(leaseId);
        return revoked;
    }
}
