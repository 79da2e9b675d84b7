package dev.wisp.store.etcd;

import dev.wisp.store.StateStore;
import dev.wisp.store.StateStoreContract;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole store contract against a real etcd 3.4 process, one per class. Each test gets its own
 * key namespace, and the leases an earlier test left behind are revoked before the next one opens
 * its store, so their expiry cannot consume revisions during a later test.
 */
class EtcdStateStoreContractTest extends StateStoreContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final AtomicInteger TESTS = new AtomicInteger();
    /** Lease id to its deadline (System.nanoTime) as this client last set it. */
    private static final Map<Long, Long> DEADLINES = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;

    private static EtcdProcess etcd;
    /** A connection of its own, to look at leases without going through the store under test. */
    private static ManagedChannel admin;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdProcess.start(dir);
        admin = NettyChannelBuilder.forAddress("127.0.0.1", etcd.endpoint().getPort())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stopEtcd() {
        if (admin != null) {
            admin.shutdownNow();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected StateStore open() {
        for (Long lease : DEADLINES.keySet()) {
            try {
                leases().leaseRevoke(
                                LeaseRevokeRequest.newBuilder().setID(lease).build());
            } catch (Exception e) {
                // already expired or revoked
            }
            DEADLINES.remove(lease);
        }
        ns = "t" + TESTS.incrementAndGet() + "/";
        return connect();
    }

    @Override
    protected StateStore reopen(StateStore s) {
        s.close();
        return connect();
    }

    private static StateStore connect() {
        return new LeaseDeadlines(EtcdStateStore.connect(List.of(etcd.endpoint()), TIMEOUT), DEADLINES);
    }

    private static LeaseGrpc.LeaseBlockingStub leases() {
        return LeaseGrpc.newBlockingStub(admin).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** Real time passes; then waits (bounded) until etcd has revoked every lease whose deadline passed. */
    @Override
    protected void elapse(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            long now = System.nanoTime();
            for (Map.Entry<Long, Long> lease : DEADLINES.entrySet()) {
                if (lease.getValue() - now > 0) {
                    continue;
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (leases().leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder()
                                        .setID(lease.getKey())
                                        .build())
                                .getTTL()
                        != -1) {
                    if (System.nanoTime() - until > 0) {
                        throw new AssertionError("etcd did not expire lease " + lease.getKey() + " within 10 s");
                    }
                    Thread.sleep(50);
                }
            }
        } catch (Exception e) {
            throw new AssertionError("waiting for lease expiry failed", e);
        }
    }
}
