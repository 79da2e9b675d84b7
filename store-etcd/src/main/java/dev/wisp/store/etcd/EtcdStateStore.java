package dev.wisp.store.etcd;

import dev.wisp.store.CompactedException;
import dev.wisp.store.Compare;
import dev.wisp.store.KeyValue;
import dev.wisp.store.Op;
import dev.wisp.store.RangeResult;
import dev.wisp.store.StateStore;
import dev.wisp.store.StoreArguments;
import dev.wisp.store.StoreException;
import dev.wisp.store.TxnResult;
import dev.wisp.store.Watch;
import dev.wisp.store.WatchListener;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link StateStore} on a real etcd cluster (v3 API, etcd 3.4 or later), over gRPC with jetcd's
 * generated etcd API (not jetcd-core's client: see the module pom). It passes
 * the same contract suite as the embedded store: etcd already has the model (byte-ordered keys, one
 * revision counter, create/mod revision and version, transactions with compares, watches from a
 * revision, leases, compaction), so most methods are one etcd request.
 *
 * <p>Where etcd would answer differently from the contract, this class makes it answer the
 * contract's way: key, value and transaction limits are checked here with the embedded store's
 * messages; a watch from revision 0 starts right after the revision read when it is created (so a
 * write made after {@link #watch} returns is always seen); a watch from a compacted revision throws
 * {@link CompactedException}; and a broken watch stream is resumed from the revision after the last
 * event received.
 *
 * <p>This class checks arguments (with {@link StoreArguments}, as the embedded store does) and
 * ties the parts together: reads are {@link EtcdReads}, transactions {@link EtcdTxns}, leases
 * {@link EtcdLeases}, watch streams {@link EtcdWatch}, the connection {@link EtcdRpc}.
 *
 * <p>Differences that remain:
 * <ul>
 *   <li>Every request waits at most the timeout given to {@link #connect}, then fails with a
 *       {@link StoreException} naming the endpoints. A write that timed out may still have been
 *       applied (etcd may have committed it before the answer was lost): re-read before retrying.
 *   <li>The store is shared: other etcd clients' writes consume revisions too, and etcd may compact
 *       history on its own ({@code --auto-compaction-retention}).
 *   <li>A lease's deadline is etcd's, in whole seconds (the ttl is rounded up), and etcd's leader
 *       restarts every lease's ttl when it is elected (including after an etcd restart). A lease past
 *       its deadline but not yet revoked by etcd (it checks every 500 ms) still accepts puts.
 *   <li>A watch whose start revision is compacted between the check in {@link #watch} and the
 *       stream's creation ends through {@link WatchListener#onError} with {@link CompactedException}
 *       instead of throwing.
 *   <li>A transaction larger than etcd's {@code --max-request-bytes} (1.5 MiB by default) is
 *       rejected with {@link IllegalArgumentException}, even if each value is within
 *       {@link #MAX_VALUE_BYTES}.
 * </ul>
 */
public final class EtcdStateStore implements StateStore {

    /** The request timeout {@link #connect(List)} uses. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final EtcdRpc rpc;
    private final EtcdReads reads;
    private final EtcdTxns txns;
    private final EtcdLeases leases;
    private final EtcdWatches watches;

    private EtcdStateStore(EtcdRpc rpc) {
        this.rpc = rpc;
        this.reads = new EtcdReads(rpc);
        this.txns = new EtcdTxns(rpc);
        this.leases = new EtcdLeases(rpc);
        this.watches = new EtcdWatches(rpc);
    }

    /** {@link #connect(List, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static EtcdStateStore connect(List<URI> endpoints) {
        return connect(endpoints, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to the etcd cluster at {@code endpoints} ({@code http://host:port}, or all
     * {@code https://}) and checks that it answers. Every later request waits at most
     * {@code timeout}, also while the connection is being re-established.
     *
     * @throws IllegalArgumentException if there is no endpoint, one is malformed, or the timeout is not positive
     * @throws StoreException if etcd does not answer within {@code timeout}; the message names the endpoints
     */
    public static EtcdStateStore connect(List<URI> endpoints, Duration timeout) {
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(timeout, "timeout");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        EtcdStateStore store = new EtcdStateStore(new EtcdRpc(List.copyOf(endpoints), timeout));
        try {
            store.revision();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** The endpoints this store talks to. */
    public List<URI> endpoints() {
        return rpc.endpoints();
    }

    // ---- reads -----------------------------------------------------------------------------------

    @Override
    public Optional<KeyValue> get(String key) {
        StoreArguments.requireValidKey(key);
        return reads.get(key);
    }

    @Override
    public RangeResult range(String prefix) {
        StoreArguments.requireValidPrefix(prefix);
        return reads.range(prefix);
    }

    @Override
    public long revision() {
        return reads.revision();
    }

    // ---- writes ----------------------------------------------------------------------------------

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        return txns.txn(new StoreArguments.Txn(compares, then, otherwise));
    }

    @Override
    public boolean delete(String key) {
        StoreArguments.requireValidKey(key);
        DeleteRangeRequest request =
                DeleteRangeRequest.newBuilder().setKey(EtcdKeys.bytes(key)).build();
        return rpc.call("delete " + key, () -> rpc.kv().deleteRange(request)).getDeleted() > 0;
    }

    @Override
    public void compact(long revision) {
        long current = revision();
        if (revision > current) {
            throw new IllegalArgumentException(
                    "cannot compact to revision " + revision + ", above the current revision " + current);
        }
        if (revision <= 0) {
            return;
        }
        // Compacting to a revision already compacted is a no-op, as in the embedded store.
        CompactionRequest request =
                CompactionRequest.newBuilder().setRevision(revision).build();
        rpc.call(
                "compact to revision " + revision,
                () -> rpc.kv().compact(request),
                s -> String.valueOf(s.getDescription()).contains("compacted") ? EtcdRpc.IGNORE : null);
    }

    // ---- watches ---------------------------------------------------------------------------------

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        StoreArguments.requireValidWatch(prefix, fromRevision, listener);
        long start = fromRevision == 0 ? revision() + 1 : fromRevision;
        if (fromRevision > 0) {
            reads.requireWatchable(prefix, fromRevision);
        }
        return watches.open(prefix, start, listener);
    }

    // ---- leases ----------------------------------------------------------------------------------

    @Override
    public long grantLease(Duration ttl) {
        StoreArguments.requireValidTtl(ttl);
        return leases.grant(ttl);
    }

    /** One keep-alive on etcd's keep-alive stream; etcd answers ttl 0 for a lease it does not have. */
    @Override
    public void keepAlive(long leaseId) {
        leases.keepAlive(leaseId);
    }

    @Override
    public boolean revokeLease(long leaseId) {
        return leases.revoke(leaseId);
    }

    // ---- lifecycle -------------------------------------------------------------------------------

    @Override
    public void close() {
        if (rpc.isClosed()) {
            return;
        }
        rpc.close();
        watches.closeAll();
    }

    @Override
    public String toString() {
        return "EtcdStateStore" + endpoints();
    }
}
