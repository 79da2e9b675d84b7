package dev.wisp.store.etcd;

import dev.wisp.store.CompactedException;
import dev.wisp.store.KeyValue;
import dev.wisp.store.RangeResult;
import dev.wisp.store.StoreException;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The read side of {@link EtcdStateStore}: one key, a prefix (paged, read at one revision), the
 * current revision, and whether a watch may start at a revision. Arguments are already checked.
 */
final class EtcdReads {

    /** Keys per range request; halved while an answer is too big for one gRPC message. */
    private static final int RANGE_PAGE = 1000;

    private final EtcdRpc rpc;

    EtcdReads(EtcdRpc rpc) {
        this.rpc = rpc;
    }

    Optional<KeyValue> get(String key) {
        RangeResponse r = rpc.call(
                "get " + key,
                () -> rpc.kv()
                        .range(RangeRequest.newBuilder()
                                .setKey(EtcdKeys.bytes(key))
                                .build()));
        return r.getKvsList().stream().findFirst().map(EtcdKeys::toKeyValue);
    }

    RangeResult range(String prefix) {
        RangeRequest.Builder request = RangeRequest.newBuilder()
                .setKey(EtcdKeys.rangeStart(prefix))
                .setRangeEnd(EtcdKeys.rangeEnd(prefix))
                .setLimit(RANGE_PAGE);
        List<KeyValue> out = new ArrayList<>();
        long revision = 0; // the first page's revision; later pages read at it, so the result is one snapshot
        while (true) {
            RangeRequest page = request.build();
            RangeResponse r = rpc.call(
                    "range " + prefix,
                    () -> rpc.kv().range(page),
                    s -> s.getCode() == Status.Code.RESOURCE_EXHAUSTED ? EtcdRpc.IGNORE : null);
            if (r == null) { // the page was over the answer size limit
                if (page.getLimit() == 1) {
                    throw new StoreException("a key under " + prefix + " on etcd at " + rpc.endpoints()
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

    long revision() {
        RangeRequest request = RangeRequest.newBuilder()
                .setKey(EtcdKeys.ZERO)
                .setCountOnly(true)
                .build();
        return rpc.call("read the revision", () -> rpc.kv().range(request))
                .getHeader()
                .getRevision();
    }

    /**
     * Reads at {@code revision}: etcd refuses exactly when a watch from there would be compacted.
     *
     * @throws CompactedException if it would be
     */
    void requireWatchable(String prefix, long revision) {
        boolean[] compacted = {false};
        RangeRequest request = RangeRequest.newBuilder()
                .setKey(EtcdKeys.rangeStart(prefix))
                .setRevision(revision)
                .setCountOnly(true)
                .build();
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
}
