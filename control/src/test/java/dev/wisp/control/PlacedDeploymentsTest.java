package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.cluster.Assignment;
import dev.wisp.cluster.Assignments;
import dev.wisp.cluster.Membership;
import dev.wisp.cluster.NodeRecord;
import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import dev.wisp.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's side of placement over a real store with real membership records (the embedded
 * store: placement needs only leases and transactions; ClusterPlacementTest runs it on etcd).
 */
class PlacedDeploymentsTest {
    /** Long: on a loaded machine a short lease may lapse between a heartbeat and the next. */
    private static final Duration TTL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static ServiceRecord service(String name, int min) {
        Scaling s = Scaling.DEFAULT;
        return new ServiceRecord(
                "default",
                name,
                new Scaling(
                        min,
                        s.max(),
                        s.initial(),
                        s.target(),
                        s.utilization(),
                        s.stableWindow(),
                        s.panicWindowPercent(),
                        s.panicThreshold(),
                        s.maxScaleUpRate(),
                        s.maxScaleDownRate(),
                        s.scaleToZeroGrace(),
                        s.concurrency(),
                        s.timeout()),
                Standby.DEFAULT,
                "public",
                1,
                1,
                0,
                0,
                0,
                "2026-01-01T00:00:00Z");
    }

    private static RevisionRecord revision(String name, int memoryMiB) {
        return new RevisionRecord(
                name,
                1,
                "0123456789abcdef",
                null,
                new Resources(1, memoryMiB),
                8080,
                "2026-01-01T00:00:00Z",
                "warming",
                null,
                null,
                null,
                null,
                null);
    }

    private static NodeRecord record(String name, int memoryMiB, Map<String, Integer> services) {
        return new NodeRecord(
                name, "127.0.0.1", 7070, 8080, 2, memoryMiB, 0, 0, 0, 0, 0, "tcg", "t", "t0", null, services);
    }

    private static void pass(PlacedDeployments placed, String web) {
        placed.ensureDeployed(service("web", 2), revision("web", 256), web);
        placed.removeUndesired(Set.of(web), () -> {});
    }

    @Test
    void services_spreadOverNodesWithRoom_aFullClusterRefusesWithNumbers_andADrainedNodesShareMoves() throws Exception {
        AtomicReference<Map<String, Integer>> aRuns = new AtomicReference<>(Map.of());
        try (StateStore store = StateStores.embedded(dir);
                Membership a =
                        Membership.join(store, () -> record("a", 1024, aRuns.get()), TTL, InstantSource.system());
                Membership b = Membership.join(store, () -> record("b", 512, Map.of()), TTL, InstantSource.system())) {
            PlacedDeployments placed = new PlacedDeployments(store, null, InstantSource.system());
            String web = NodeKeys.key("default", "web", 1, 0);
            String big = NodeKeys.key("default", "big", 1, 0);
            placed.ensureDeployed(service("web", 2), revision("web", 256), web);
            placed.ensureDeployed(service("big", 1), revision("big", 2048), big);
            placed.removeUndesired(Set.of(web, big), () -> {});

            assertThat(Assignments.of(store, "a").get(web)).isEqualTo(new Assignment(web, 1, "default", "web", 1, 0));
            assertThat(Assignments.of(store, "b").keySet()).containsExactly(web);
            assertThat(placed.deployFailure(web)).isNull();
            assertThat(placed.deployFailure(big))
                    .as("placed biggest first: before web took its room")
                    .isEqualTo("cluster full: 1 of 1 instance(s) of 1 vCPU and 2048 MiB fit on no node; 2 ready"
                            + " node(s) have 16 vCPU and 1536 MiB free in total, the roomiest (a) 8 vCPU and 1024 MiB"
                            + " (vCPU overcommit 4)");
            assertThat(placed.hasInstance(web)).isFalse();
            aRuns.set(Map.of(web, 1));
            Await.until(Duration.ofSeconds(10), "a's record lists its instance of web", () -> {
                pass(placed, web); // a pass reads the members again
                return placed.hasInstance(web);
            });
            Membership.drain(store, "a", "test", InstantSource.system());
            pass(placed, web);
            assertThat(Assignments.of(store, "a")).isEmpty();
            assertThat(Assignments.of(store, "b").get(web).instances()).isEqualTo(2);
        }
    }
}
