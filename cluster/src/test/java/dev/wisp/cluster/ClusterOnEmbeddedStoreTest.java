package dev.wisp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import dev.wisp.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same coordination over the embedded store: it needs only leases and compare-and-swap. */
class ClusterOnEmbeddedStoreTest {
    private static final Duration TTL = Duration.ofSeconds(1);
    /** Long enough that a busy host's pause between granting the lease and writing with it cannot expire it. */
    private static final Duration DRAIN_TTL = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void closedLeader_handsOverAndItsFencedWritesFail() throws Exception {
        try (StateStore store = StateStores.embedded(dir)) {
            Elections aSays = new Elections();
            Elections bSays = new Elections();
            LeaderElection a = LeaderElection.start(store, "a", TTL, aSays);
            Await.until(Duration.ofSeconds(10), "a elected", aSays::leads);
            try (LeaderElection b = LeaderElection.start(store, "b", TTL, bSays)) {
                StateStore aFenced = aSays.term.fenced(store);
                aFenced.put("/x", "a".getBytes(StandardCharsets.UTF_8));
                a.close();
                assertThat(aSays.events)
                        .as("told before close returns")
                        .last()
                        .asString()
                        .startsWith("deposed");
                Await.until(Duration.ofSeconds(10), "b elected", bSays::leads);
                assertThatThrownBy(() -> aFenced.put("/x", "late".getBytes(StandardCharsets.UTF_8)))
                        .isInstanceOf(NotLeaderException.class);
                assertThat(store.get("/x").orElseThrow().valueUtf8()).isEqualTo("a");
            }
        }
    }

    @Test
    void drain_marksTheNodeDrainingAndRefusesUnknownNames() throws Exception {
        try (StateStore store = StateStores.embedded(dir);
                Membership n1 = Membership.join(
                        store,
                        () -> new NodeRecord(
                                "n1", "127.0.0.1", 1, 2, 2, 1024, 0, 0, 0, 0, 0, "tcg", "t", "t0", null, null),
                        DRAIN_TTL,
                        InstantSource.system())) {
            assertThat(Membership.drain(store, "n1", "n1", InstantSource.system()))
                    .isTrue();
            assertThat(Membership.drain(store, "n1", "n1", InstantSource.system()))
                    .isFalse();
            assertThat(n1.list()).singleElement().extracting(Member::state).isEqualTo(Member.State.DRAINING);
            assertThatThrownBy(() -> Membership.drain(store, "nope", "n1", InstantSource.system()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no node 'nope' in the cluster");
            n1.close();
            Await.until(
                    DRAIN_TTL.multipliedBy(4),
                    "n1 lost after leaving",
                    () -> Membership.member(store, "n1").orElseThrow().state() == Member.State.LOST);
        }
    }
}
