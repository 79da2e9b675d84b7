package dev.wisp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.store.ForwardingStateStore;
import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import dev.wisp.store.StoreException;
import dev.wisp.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Membership#cutOff()}: a node whose keep-alives go unconfirmed for a ttl says it is cut off,
 * and not once they are confirmed again. The unreachable store is a view over the embedded one that
 * fails keep-alives on demand (the real cut, nftables between a node and etcd, is
 * ClusterFailureTest's in cli).
 */
class MembershipCutOffTest {
    private static final Duration TTL = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    /** The embedded store, with keep-alives failing as etcd's do when it is out of reach. */
    private static final class Unreachable extends ForwardingStateStore {
        volatile boolean cut;

        Unreachable(StateStore delegate) {
            super(delegate);
        }

        @Override
        public void keepAlive(long leaseId) {
            if (cut) {
                throw new StoreException("etcd did not answer keep-alive");
            }
            super.keepAlive(leaseId);
        }
    }

    @Test
    void keepAlivesUnconfirmedForATtl_cutOffUntilConfirmedAgain() throws Exception {
        try (StateStore embedded = StateStores.embedded(dir)) {
            Unreachable store = new Unreachable(embedded);
            try (Membership m = Membership.join(
                    store,
                    () -> new NodeRecord("n1", "127.0.0.1", 1, 2, 2, 1024, 0, 0, 0, 0, 0, "tcg", "t", "t0", null, null),
                    TTL,
                    InstantSource.system())) {
                assertThat(m.cutOff()).as("just joined").isFalse();
                store.cut = true;
                Await.until(Duration.ofSeconds(10), "cut off", m::cutOff);
                store.cut = false;
                Await.until(Duration.ofSeconds(10), "confirmed again", () -> !m.cutOff());
                assertThat(m.list()).singleElement().extracting(Member::state).isEqualTo(Member.State.READY);
            }
        }
    }
}
