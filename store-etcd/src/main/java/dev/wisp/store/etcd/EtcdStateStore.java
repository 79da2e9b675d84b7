package dev.wisp.store.etcd;

import dev.wisp.store.CompactedException;
import dev.wisp.store.Compare;
import dev.wisp.store.KeyValue;
import dev.wisp.store.LeaseNotFoundException;
import dev.wisp.store.Op;
import dev.wisp.store.RangeResult;
import dev.wisp.store.StateStore;
import dev.wisp.store.StoreException;
import dev.wisp.store.TxnResult;
import dev.wisp.store.Watch;
import dev.wisp.store.WatchListener;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

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

    /** Keys per range request; halved while an answer is too big for one gRPC message. */
    private static final int RANGE_PAGE = 1000;
    private static final Duration MAX_TTL = Duration.ofSeconds(9_000_000_000L); // etcd's limit
    private static final AtomicLong WATCH_IDS = new AtomicLong();

    private final EtcdRpc rpc;
    /** Resumes broken watch streams. */
    private final ScheduledExecutorService scheduler;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

    private EtcdStateStore(EtcdRpc rpc) {
        this.rpc = rpc;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wisp-etcd-watch-resume");
            t.setDaemon(true);
            return t;
        });
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
        EtcdKeys.requireValidKey(key);
        RangeResponse r = rpc.call("get " + key,
                () -> rpc.kv().range(RangeRequest.newBuilder().setKey(EtcdKeys.bytes(key)).build()));
        return r.getKvsList().stream().findFirst().map(EtcdKeys::toKeyValue);
    }

    @Override
    public RangeResult range(String prefix) {
        EtcdKeys.requireValidPrefix(prefix);
        RangeRequest.Builder request = RangeRequest.newBuilder().setKey(EtcdKeys.rangeStart(prefix))
                .setRangeEnd(EtcdKeys.rangeEnd(prefix)).setLimit(RANGE_PAGE);
        List<KeyValue> out = new ArrayList<>();
        long revision = 0; // the first page's revision; later pages read at it, so the result is one snapshot
        while (true) {
            RangeRequest page = request.build();
            RangeResponse r = rpc.call("range " + prefix, () -> rpc.kv().range(page),
                    s -> s.getCode() == Status.Code.RESOURCE_EXHAUSTED ? EtcdRpc.IGNORE : null);
            if (r == null) { // the page was over the answer size limit
                if (page.getLimit() == 1) {
                    throw new StoreException("a key under " + prefix + " on etcd at " + endpoints()
                            + " is larger than the largest answer accepted (" + rpc.maxAnswerBytes() + " bytes)");
                }
                request.setLimit(Math.max(1, page.getLimit() / 2));
                continue;
            }
            if (revision == 0) {
                revision = r.getHeader().getRevision();
                request.setRevision(revision);
            }
            r.getKvsList().forEach(k -> out.add(EtcdKeys.toKeyValue(k)));
            if (!r.getMore() || r.getKvsCount() == 0) {
                return new RangeResult(out, revision);
            }
            request.setKey(EtcdKeys.successor(r.getKvs(r.getKvsCount() - 1).getKey()));
        }
    }

    @Override
    public long revision() {
        RangeRequest request = RangeRequest.newBuilder().setKey(EtcdKeys.ZERO).setCountOnly(true).build();
        return rpc.call("read the revision", () -> rpc.kv().range(request)).getHeader().getRevision();
    }

    // ---- writes ----------------------------------------------------------------------------------

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        List<Compare> c = List.copyOf(compares);
        List<Op> t = List.copyOf(then);
        List<Op> o = List.copyOf(otherwise);
        if (c.size() > MAX_TXN_OPS) {
            throw new IllegalArgumentException("txn has " + c.size() + " compares; the limit is " + MAX_TXN_OPS
                    + " (StateStore.MAX_TXN_OPS)");
        }
        requireValidBranch("then", t);
        requireValidBranch("otherwise", o);
        TxnRequest.Builder request = TxnRequest.newBuilder();
        c.forEach(cmp -> request.addCompare(toCompare(cmp)));
        t.forEach(op -> request.addSuccess(toRequestOp(op)));
        o.forEach(op -> request.addFailure(toRequestOp(op)));
        TxnRequest built = request.build();
        TxnResponse r = rpc.call("txn", () -> rpc.kv().txn(built), s -> {
            if (isLeaseNotFound(s)) {
                return new LeaseNotFoundException(firstLease(t, o));
            }
            return isTooLarge(s) ? new IllegalArgumentException("txn is larger than etcd's request limit "
                    + "(--max-request-bytes): " + s.getDescription()) : null;
        });
        return new TxnResult(r.getSucceeded(), r.getHeader().getRevision());
    }

    @Override
    public boolean delete(String key) {
        EtcdKeys.requireValidKey(key);
        DeleteRangeRequest request = DeleteRangeRequest.newBuilder().setKey(EtcdKeys.bytes(key)).build();
        return rpc.call("delete " + key, () -> rpc.kv().deleteRange(request)).getDeleted() > 0;
    }

    @Override
    public void compact(long revision) {
        long current = revision();
        if (revision > current) {
            throw new IllegalArgumentException("cannot compact to revision " + revision
                    + ", above the current revision " + current);
        }
        if (revision <= 0) {
            return;
        }
        // Compacting to a revision already compacted is a no-op, as in the embedded store.
        CompactionRequest request = CompactionRequest.newBuilder().setRevision(revision).build();
        rpc.call("compact to revision " + revision, () -> rpc.kv().compact(request),
                s -> String.valueOf(s.getDescription()).contains("compacted") ? EtcdRpc.IGNORE : null);
    }

    // ---- watches ---------------------------------------------------------------------------------

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        EtcdKeys.requireValidPrefix(prefix);
        Objects.requireNonNull(listener, "listener");
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must be >= 0, was " + fromRevision);
        }
        long start = fromRevision == 0 ? revision() + 1 : fromRevision;
        if (fromRevision > 0) {
            requireWatchable(prefix, fromRevision);
        }
        EtcdWatch w = new EtcdWatch(rpc, scheduler, EtcdKeys.rangeStart(prefix), EtcdKeys.rangeEnd(prefix), start,
                listener, Long.toString(WATCH_IDS.incrementAndGet()), watches::remove);
        watches.add(w);
        rpc.ensureOpen();
        w.start();
        if (rpc.isClosed()) { // closed while starting: close() may have missed this watch
            w.end(rpc.closedException());
        }
        return w;
    }

    /** Reads at {@code revision}: etcd refuses exactly when a watch from there would be compacted. */
    private void requireWatchable(String prefix, long revision) {
        boolean[] compacted = {false};
        RangeRequest request = RangeRequest.newBuilder().setKey(EtcdKeys.rangeStart(prefix)).setRevision(revision)
                .setCountOnly(true).build();
        rpc.call("check revision " + revision, () -> rpc.kv().range(request), s -> {
            String m = String.valueOf(s.getDescription());
            if (m.contains("compacted")) {
                compacted[0] = true;
                return EtcdRpc.IGNORE;
            }
            return m.contains("future revision") ? EtcdRpc.IGNORE : null; // not compacted: fine
        });
        if (compacted[0]) {
            long oldest = EtcdWatch.compactRevision(rpc, revision);
            throw new CompactedException(revision, oldest > 0 ? oldest : revision());
        }
    }

    // ---- leases ----------------------------------------------------------------------------------

    @Override
    public long grantLease(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("lease ttl must be between 1 s and " + MAX_TTL.toSeconds() + " s, was "
                    + ttl);
        }
        long seconds = ttl.plusNanos(999_999_999).toSeconds(); // etcd counts whole seconds: round up
        LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setTTL(seconds).build();
        return rpc.call("grant a lease", () -> rpc.lease().leaseGrant(request)).getID();
    }

    /** One keep-alive on etcd's keep-alive stream; etcd answers ttl 0 for a lease it does not have. */
    @Override
    public void keepAlive(long leaseId) {
        rpc.ensureOpen();
        CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
        StreamObserver<LeaseKeepAliveRequest> out = rpc.leaseStream().leaseKeepAlive(new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {
                answer.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(Status.UNAVAILABLE.withDescription("keep-alive stream ended")
                        .asRuntimeException());
            }
        });
        try {
            out.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
            LeaseKeepAliveResponse r = rpc.call("keep lease " + leaseId + " alive", () -> answer);
            if (r.getTTL() <= 0) {
                throw new LeaseNotFoundException(leaseId);
            }
        } finally {
            ((ClientCallStreamObserver<LeaseKeepAliveRequest>) out).cancel("keep-alive answered", null);
        }
    }

    @Override
    public boolean revokeLease(long leaseId) {
        LeaseRevokeRequest request = LeaseRevokeRequest.newBuilder().setID(leaseId).build();
        return rpc.call("revoke lease " + leaseId, () -> rpc.lease().leaseRevoke(request),
                s -> isLeaseNotFound(s) ? EtcdRpc.IGNORE : null) != null;
    }

    // ---- lifecycle -------------------------------------------------------------------------------

    @Override
    public void close() {
        if (rpc.isClosed()) {
            return;
        }
        rpc.close();
        for (EtcdWatch w : List.copyOf(watches)) {
            w.end(rpc.closedException());
        }
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "EtcdStateStore" + endpoints();
    }

    // ---- mapping ---------------------------------------------------------------------------------

    private static boolean isLeaseNotFound(Status s) {
        return s.getCode() == Status.Code.NOT_FOUND && String.valueOf(s.getDescription()).contains("lease not found");
    }

    private static boolean isTooLarge(Status s) {
        return String.valueOf(s.getDescription()).contains("request is too large");
    }

    private static long firstLease(List<Op> then, List<Op> otherwise) {
        for (List<Op> branch : List.of(then, otherwise)) {
            for (Op op : branch) {
                if (op instanceof Op.Put p && p.lease() != NO_LEASE) {
                    return p.lease();
                }
            }
        }
        return NO_LEASE;
    }

    private static void requireValidBranch(String name, List<Op> ops) {
        if (ops.size() > MAX_TXN_OPS) {
            throw new IllegalArgumentException("txn branch '" + name + "' has " + ops.size()
                    + " operations; the limit is " + MAX_TXN_OPS + " (StateStore.MAX_TXN_OPS)");
        }
        Set<String> keys = new HashSet<>();
        for (Op op : ops) {
            if (!keys.add(op.key())) {
                throw new IllegalArgumentException("txn branch '" + name + "' names key " + op.key()
                        + " more than once");
            }
        }
    }

    private static io.etcd.jetcd.api.Compare toCompare(Compare c) {
        var b = io.etcd.jetcd.api.Compare.newBuilder().setKey(EtcdKeys.bytes(c.key()))
                .setResult(io.etcd.jetcd.api.Compare.CompareResult.EQUAL);
        return switch (c.field()) {
            case MOD_REVISION -> b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.MOD)
                    .setModRevision(c.expected()).build();
            case CREATE_REVISION -> b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.CREATE)
                    .setCreateRevision(c.expected()).build();
            case VERSION -> b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.VERSION)
                    .setVersion(c.expected()).build();
        };
    }

    private static RequestOp toRequestOp(Op op) {
        return switch (op) {
            case Op.Put p -> RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                    .setKey(EtcdKeys.bytes(p.key())).setValue(com.google.protobuf.ByteString.copyFrom(p.value()))
                    .setLease(p.lease())).build();
            case Op.Delete d -> RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                    .setKey(EtcdKeys.bytes(d.key()))).build();
        };
    }
}
