package dev.wisp.store.etcd;

import dev.wisp.store.LeaseNotFoundException;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Leases of {@link EtcdStateStore} on etcd's Lease service: grant (ttl rounded up to whole
 * seconds), one keep-alive round on a keep-alive stream, revoke. Arguments are already checked.
 */
final class EtcdLeases {

    private final EtcdRpc rpc;

    EtcdLeases(EtcdRpc rpc) {
        this.rpc = rpc;
    }

    /** etcd's answer to a request naming a lease it does not have. */
    static boolean isLeaseNotFound(Status s) {
        return s.getCode() == Status.Code.NOT_FOUND
                && String.valueOf(s.getDescription()).contains("lease not found");
    }

    long grant(Duration ttl) {
        long seconds = ttl.plusNanos(999_999_999).toSeconds(); // etcd counts whole seconds: round up
        LeaseGrantRequest request =
                LeaseGrantRequest.newBuilder().setTTL(seconds).build();
        return rpc.call("grant a lease", () -> rpc.lease().leaseGrant(request)).getID();
    }

    /** One keep-alive on etcd's keep-alive stream; etcd answers ttl 0 for a lease it does not have. */
    void keepAlive(long leaseId) {
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
                answer.completeExceptionally(Status.UNAVAILABLE
                        .withDescription("keep-alive stream ended")
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

    boolean revoke(long leaseId) {
        LeaseRevokeRequest request =
                LeaseRevokeRequest.newBuilder().setID(leaseId).build();
        return rpc.call(
                        "revoke lease " + leaseId,
                        () -> rpc.lease().leaseRevoke(request),
                        s -> isLeaseNotFound(s) ? EtcdRpc.IGNORE : null)
                != null;
    }
}
