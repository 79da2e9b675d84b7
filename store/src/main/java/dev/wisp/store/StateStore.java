package dev.wisp.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The control plane's durable state: a sorted key-value map with etcd's model, so that the
 * embedded implementation ({@link StateStores#embedded}) and a later etcd-backed one are
 * interchangeable and pass the same contract.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li>Every change gets the next value of one store-wide <em>revision</em> counter. All changes
 *       of one {@link #txn transaction} share a revision; a write that changes nothing (deleting a
 *       missing key, a transaction whose chosen branch is empty) does not consume one.
 *   <li>Each key carries {@link KeyValue#createRevision()}, {@link KeyValue#modRevision()} and
 *       {@link KeyValue#version()} (1 on creation, +1 per put; a delete resets the key's life).
 *   <li>Keys are sorted by Unicode code point, which is the byte order of their UTF-8 encoding
 *       and therefore etcd's order.
 *   <li>{@link #watch Watches} deliver every change after a revision, in revision order, from
 *       history kept in memory until {@link #compact compacted}.
 *   <li>{@link #grantLease Leases} expire unless kept alive; expiry or revocation deletes every key
 *       attached to the lease.
 * </ul>
 *
 * <p>A method that writes returns only once the write is durable (the embedded store has forced it
 * to disk) and visible to reads on any thread. Every method is thread-safe.
 *
 * <h2>Limits</h2>
 * Keys are non-empty strings of valid Unicode of at most {@value #MAX_KEY_BYTES} bytes in UTF-8;
 * values are at most {@value #MAX_VALUE_BYTES} bytes; a transaction holds at most
 * {@value #MAX_TXN_OPS} compares and {@value #MAX_TXN_OPS} operations per branch. Violations throw
 * {@link IllegalArgumentException} naming the limit.
 */
public interface StateStore extends AutoCloseable {

    /** Longest key, in bytes of its UTF-8 encoding (etcd allows more; control-plane keys are paths). */
    int MAX_KEY_BYTES = 1024;

    /** Largest value: 1 MiB, below etcd's default 1.5 MiB request limit so both behave the same. */
    int MAX_VALUE_BYTES = 1024 * 1024;

    /** Most compares, and most operations per branch, in one {@link #txn} (etcd's default). */
    int MAX_TXN_OPS = 128;

    /** Lease id meaning "no lease". */
    long NO_LEASE = 0;

    /** The key's current value and metadata, or empty if it does not exist. */
    Optional<KeyValue> get(String key);

    /**
     * All keys starting with {@code prefix} (the empty prefix means all keys), sorted by key, and
     * the revision they were read at: watching from {@code revision() + 1} misses nothing.
     */
    RangeResult range(String prefix);

    /** The store's current revision: that of the latest change, 0 if there was none. */
    long revision();

    /**
     * Atomically: if every compare holds, apply {@code then}, else {@code otherwise}. Both branches
     * may be empty. A branch must not name a key twice.
     *
     * @throws LeaseNotFoundException if the chosen branch puts a key with an unknown or expired lease;
     *     nothing is applied then
     */
    TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise);

    /** Deletes the key. Returns whether it existed (only then is a revision consumed). */
    boolean delete(String key);

    /**
     * Drops watch history before {@code revision}: watches may start from {@code revision} or
     * later. Implementations may also drop old history on their own.
     *
     * @throws IllegalArgumentException if {@code revision} is above the current revision
     */
    void compact(long revision);

    /**
     * Calls {@code listener} for every change to a key starting with {@code prefix} whose revision
     * is at least {@code fromRevision}, in revision order (changes of one revision in the order
     * the transaction listed them), without gaps or duplicates, on a thread owned by the watch.
     * {@code fromRevision} 0 means changes after the current revision. Older revisions are
     * replayed from history first, then live changes follow.
     *
     * @throws CompactedException if {@code fromRevision} is older than the kept history
     */
    Watch watch(String prefix, long fromRevision, WatchListener listener);

    /**
     * Creates a lease that expires {@code ttl} after now unless {@link #keepAlive kept alive}.
     *
     * @param ttl at least one second (etcd's granularity); etcd rounds up to whole seconds
     * @return the lease id, never {@link #NO_LEASE}
     */
    long grantLease(Duration ttl);

    /**
     * Restarts the lease's ttl from now.
     *
     * @throws LeaseNotFoundException if the lease was revoked or has expired: its keys are (being)
     *     deleted, so the holder must register again with a new lease
     */
    void keepAlive(long leaseId);

    /** Ends the lease now, deleting its keys. Returns false if it did not exist (any more). */
    boolean revokeLease(long leaseId);

    /**
     * Whether writes can be made durable now: empty if so, else why not, e.g. a
     * {@link StoreFullException} while the disk is full. Stores recover on their own once the cause
     * is gone (no reopening), and this says so as soon as they have.
     */
    default Optional<StoreException> writeFailure() {
        return Optional.empty();
    }

    /** Sets the key, detached from any lease. Returns the new revision. */
    default long put(String key, byte[] value) {
        return put(key, value, NO_LEASE);
    }

    /**
     * Sets the key, attached to {@code leaseId} ({@link #NO_LEASE} for none), replacing any
     * previous attachment. Returns the new revision.
     *
     * @throws LeaseNotFoundException if the lease does not exist or has expired
     */
    default long put(String key, byte[] value, long leaseId) {
        return txn(List.of(), List.of(Op.put(key, value, leaseId)), List.of()).revision();
    }

    /** Creates the key if it does not exist. Returns the new revision, or empty if it existed. */
    default OptionalLong putIfAbsent(String key, byte[] value) {
        return compareAndSet(key, 0, value);
    }

    /**
     * Sets the key if its {@link KeyValue#modRevision()} is {@code expectedModRevision} (0: the key
     * must not exist). Returns the new revision, or empty if the key had changed.
     */
    default OptionalLong compareAndSet(String key, long expectedModRevision, byte[] value) {
        TxnResult r =
                txn(List.of(Compare.modRevision(key, expectedModRevision)), List.of(Op.put(key, value)), List.of());
        return r.succeeded() ? OptionalLong.of(r.revision()) : OptionalLong.empty();
    }

    /** Deletes the key if its {@link KeyValue#modRevision()} is {@code expectedModRevision}. */
    default boolean deleteIfRevision(String key, long expectedModRevision) {
        if (expectedModRevision <= 0) {
            throw new IllegalArgumentException("expectedModRevision must be positive, was " + expectedModRevision);
        }
        return txn(List.of(Compare.modRevision(key, expectedModRevision)), List.of(Op.delete(key)), List.of())
                .succeeded();
    }

    /**
     * Stops background work, ends watches (their listeners get {@link StoreClosedException}) and
     * releases the store's resources. Later calls throw {@link StoreClosedException}. Idempotent.
     */
    @Override
    void close();
}
