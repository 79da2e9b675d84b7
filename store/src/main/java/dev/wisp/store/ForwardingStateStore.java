package dev.wisp.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link StateStore} that passes every call to another one: the base of a view that changes a
 * few calls (a leader's fenced writes, a test's lease bookkeeping) and must pass the rest unchanged.
 * The default methods ({@code put}, {@code compareAndSet}, ...) are not forwarded: they run through
 * {@link #txn}, so an override of {@code txn} sees them too.
 */
public abstract class ForwardingStateStore implements StateStore {
    private final StateStore delegate;

    /** @param delegate the store every call not overridden goes to */
    protected ForwardingStateStore(StateStore delegate) {
        this.delegate = delegate;
    }

    /** The store calls go to. */
    protected final StateStore delegate() {
        return delegate;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return delegate.get(key);
    }

    @Override
    public RangeResult range(String prefix) {
        return delegate.range(prefix);
    }

    @Override
    public long revision() {
        return delegate.revision();
    }

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        return delegate.txn(compares, then, otherwise);
    }

    @Override
    public boolean delete(String key) {
        return delegate.delete(key);
    }

    @Override
    public void compact(long revision) {
        delegate.compact(revision);
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        return delegate.watch(prefix, fromRevision, listener);
    }

    @Override
    public long grantLease(Duration ttl) {
        return delegate.grantLease(ttl);
    }

    @Override
    public void keepAlive(long leaseId) {
        delegate.keepAlive(leaseId);
    }

    @Override
    public boolean revokeLease(long leaseId) {
        return delegate.revokeLease(leaseId);
    }

    @Override
    public Optional<StoreException> writeFailure() {
        return delegate.writeFailure();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
