package dev.wisp.store.etcd;

import dev.wisp.store.Compare;
import dev.wisp.store.LeaseNotFoundException;
import dev.wisp.store.Op;
import dev.wisp.store.StateStore;
import dev.wisp.store.StoreArguments;
import dev.wisp.store.TxnResult;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Status;
import java.util.List;

/**
 * Transactions of {@link EtcdStateStore} as etcd Txn requests: the store's compares and operations
 * mapped to etcd's, and etcd's refusals mapped back to the contract's exceptions (an unknown lease,
 * a request over etcd's size limit).
 */
final class EtcdTxns {

    private final EtcdRpc rpc;

    EtcdTxns(EtcdRpc rpc) {
        this.rpc = rpc;
    }

    TxnResult txn(StoreArguments.Txn txn) {
        TxnRequest.Builder request = TxnRequest.newBuilder();
        txn.compares().forEach(cmp -> request.addCompare(toCompare(cmp)));
        txn.then().forEach(op -> request.addSuccess(toRequestOp(op)));
        txn.otherwise().forEach(op -> request.addFailure(toRequestOp(op)));
        TxnRequest built = request.build();
        TxnResponse r = rpc.call("txn", () -> rpc.kv().txn(built), s -> {
            if (EtcdLeases.isLeaseNotFound(s)) {
                return new LeaseNotFoundException(firstLease(txn.then(), txn.otherwise()));
            }
            return isTooLarge(s)
                    ? new IllegalArgumentException(
                            "txn is larger than etcd's request limit " + "(--max-request-bytes): " + s.getDescription())
                    : null;
        });
        return new TxnResult(r.getSucceeded(), r.getHeader().getRevision());
    }

    private static boolean isTooLarge(Status s) {
        return String.valueOf(s.getDescription()).contains("request is too large");
    }

    /** The lease etcd did not find: it does not say which, so the first one the transaction names. */
    private static long firstLease(List<Op> then, List<Op> otherwise) {
        for (List<Op> branch : List.of(then, otherwise)) {
            for (Op op : branch) {
                if (op instanceof Op.Put p && p.lease() != StateStore.NO_LEASE) {
                    return p.lease();
                }
            }
        }
        return StateStore.NO_LEASE;
    }

    private static io.etcd.jetcd.api.Compare toCompare(Compare c) {
        var b = io.etcd.jetcd.api.Compare.newBuilder()
                .setKey(EtcdKeys.bytes(c.key()))
                .setResult(io.etcd.jetcd.api.Compare.CompareResult.EQUAL);
        return switch (c.field()) {
            case MOD_REVISION ->
                b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.MOD)
                        .setModRevision(c.expected())
                        .build();
            case CREATE_REVISION ->
                b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.CREATE)
                        .setCreateRevision(c.expected())
                        .build();
            case VERSION ->
                b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.VERSION)
                        .setVersion(c.expected())
                        .build();
        };
    }

    private static RequestOp toRequestOp(Op op) {
        return switch (op) {
            case Op.Put p ->
                RequestOp.newBuilder()
                        .setRequestPut(PutRequest.newBuilder()
                                .setKey(EtcdKeys.bytes(p.key()))
                                .setValue(com.google.protobuf.ByteString.copyFrom(p.value()))
                                .setLease(p.lease()))
                        .build();
            case Op.Delete d ->
                RequestOp.newBuilder()
                        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(EtcdKeys.bytes(d.key())))
                        .build();
        };
    }
}
