package dev.wisp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.store.Op;
import dev.wisp.store.StateStore;
import dev.wisp.store.etcd.EtcdCluster;
import dev.wisp.store.etcd.EtcdStateStore;
import dev.wisp.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership and leader election against a real three-member etcd, each node on its own
 * connection; a node "dies" by losing its connection (no revoke, no goodbye), so only its lease's
 * lapse tells the others.
 */
class ClusterOnEtcdTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    /** The bound: a dead leader or node is noticed within the lease ttl plus a second. */
    private static final Duration NOTICED = TTL.plusSeconds(1);

    @TempDir
    static Path dir;

    static EtcdCluster etcd;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(dir);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        try (StateStore s = connect()) {
            for (var kv : s.range("/cluster/").kvs()) {
                s.delete(kv.key());
            }
        }
    }

    private StateStore connect() {
        return EtcdStateStore.connect(etcd.endpoints());
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** One node campaigning on a connection of its own. */
    private record Candidate(StateStore store, Elections says, LeaderElection election) {}

    private Candidate campaign(String name) {
        StateStore store = keep(connect());
        Elections says = new Elections();
        return new Candidate(store, says, keep(LeaderElection.start(store, name, TTL, says)));
    }

    /** A candidate that leads: campaigned and awaited, with no other candidate. */
    private Candidate elected(String name) throws InterruptedException {
        Candidate c = campaign(name);
        Await.until(Duration.ofSeconds(10), name + " elected", c.says()::leads);
        return c;
    }

    @Test
    void leaderDies_otherCandidateLeadsWithinTtlPlusASecond() throws Exception {
        Candidate a = elected("a");
        Candidate b = campaign("b");
        Elections bSays = b.says();
        LeaderElection eb = b.election();
        Thread.sleep(TTL.toMillis()); // b campaigns for a whole ttl while a keeps its lease alive
        assertThat(bSays.events).as("b while a lives").isEmpty();
        assertThat(eb.leader()).contains("a");

        long died = System.nanoTime();
        a.store().close(); // a's process is gone: no keep-alive, no revoke
        Await.until(NOTICED.plusSeconds(20), "b elected", bSays::leads);
        Duration took = Duration.ofNanos(System.nanoTime() - died);
        assertThat(took).as("from a's death to b leading").isLessThanOrEqualTo(NOTICED);
        assertThat(eb.leader()).contains("b");
        assertThat(bSays.term.revision()).isGreaterThan(a.says().term.revision());
    }

    @Test
    void deposedLeader_fencedWriteIsRefusedAndChangesNothing() throws Exception {
        Candidate leader = elected("a");
        StateStore a = leader.store();
        Elections aSays = leader.says();
        StateStore aFenced = aSays.term.fenced(a);
        aFenced.put("/fenced/x", bytes("a while leading"));
        assertThat(a.get("/fenced/x").orElseThrow().valueUtf8()).isEqualTo("a while leading");

        // a stalls (a GC pause, a partition): its lease lapses behind its back and b takes over.
        Candidate next = campaign("b");
        StateStore b = next.store();
        Elections bSays = next.says();
        long aLease = b.get(ClusterKeys.LEADER).orElseThrow().lease();
        b.revokeLease(aLease);
        Await.until(NOTICED.plusSeconds(20), "b elected", bSays::leads);

        assertThatThrownBy(() -> aFenced.put("/fenced/x", bytes("a, late")))
                .isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("leader now: b");
        assertThatThrownBy(() -> aFenced.txn(List.of(), List.of(Op.delete("/fenced/x")), List.of()))
                .isInstanceOf(NotLeaderException.class);
        assertThat(b.get("/fenced/x").orElseThrow().valueUtf8()).isEqualTo("a while leading");
        bSays.term.fenced(b).put("/fenced/x", bytes("b"));
        assertThat(b.get("/fenced/x").orElseThrow().valueUtf8()).isEqualTo("b");
        Await.until(NOTICED.plusSeconds(20), "a told it was deposed", () -> !aSays.leads());
        b.delete("/fenced/x");
    }

    @Test
    void twoNodesJoin_bothReady_oneDiesAndIsListedLostWithItsLastRecord() throws Exception {
        StateStore s1 = keep(connect());
        StateStore s2 = keep(connect());
        keep(Membership.join(s1, () -> record("n1", 4), TTL, InstantSource.system()));
        Membership m2 = Membership.join(s2, () -> record("n2", 2), TTL, InstantSource.system());
        open.add(m2);

        // Polled: etcd may answer one keep-alive "lease not found" right after its own leader changes
        // (its new leader has not applied the grant yet); the node then registers again.
        Await.until(
                Duration.ofSeconds(10),
                "n1 and n2 ready",
                () -> Membership.list(s1).stream()
                        .map(m -> m.node().name() + " " + m.state().label() + " "
                                + m.node().vcpus())
                        .toList()
                        .equals(List.of("n1 ready 4", "n2 ready 2")));

        long died = System.nanoTime();
        s2.close(); // n2's process is gone
        Await.until(
                NOTICED.plusSeconds(20),
                "n2 lost",
                () -> Membership.member(s1, "n2").orElseThrow().state() == Member.State.LOST);
        assertThat(Duration.ofNanos(System.nanoTime() - died)).isLessThanOrEqualTo(NOTICED);
        Member lost = Membership.member(s1, "n2").orElseThrow();
        assertThat(lost.node().address()).isEqualTo("10.0.0.2");
        assertThat(lost.node().heartbeatAt()).isNotBlank();
        assertThat(Membership.member(s1, "n1").orElseThrow().state()).isEqualTo(Member.State.READY);
    }

    private static NodeRecord record(String name, int vcpus) {
        return new NodeRecord(
                name,
                "10.0.0." + name.substring(1),
                7070,
                8080,
                vcpus,
                4096,
                0,
                0,
                0,
                0,
                0,
                "tcg",
                "test",
                "now",
                null,
                null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
