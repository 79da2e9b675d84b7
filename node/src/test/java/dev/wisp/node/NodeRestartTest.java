package dev.wisp.node;

import static dev.wisp.node.NodeProbe.await;
import static dev.wisp.node.NodeProbe.awaitServing;
import static dev.wisp.node.NodeProbe.get;
import static dev.wisp.node.NodeProbe.tier;
import static dev.wisp.node.NodeProbe.wakes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node closed with its service asleep on disk, and a new node (on a new runtime, as after a
 * process restart) on the same state directory: real microVMs, real HTTP.
 */
class NodeRestartTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perTest();

    private Node node;

    private Node start(Path state, boolean leaveStandby) {
        node = BED.start(NodeConfig.of(state, RouterConfig.defaults()).withLeaveStandby(leaveStandby));
        return node;
    }

    private void stop() {
        BED.stop();
        node = null;
    }

    @Test
    void standbySnapshotLeftByAClosedNode_isAdoptedAndTheFirstRequestRestoresIt() throws Exception {
        VmTests.assume();
        VmSpec vm = BED.web();
        Path state = BED.scratch().resolve("state");
        ServiceSpec spec = Guests.sinking("again", vm, Duration.ofSeconds(2), Duration.ofHours(1));

        start(state, true).deploy(spec);
        awaitServing(node, "again");
        await(() -> tier(node, "again", "snapshotted") == 1, Duration.ofSeconds(20));
        ServiceStatus.InstanceStatus before =
                node.status("again").orElseThrow().instances().get(0);
        stop();

        Path left = state.resolve("standby/again").resolve(before.id());
        assertThat(left.resolve(StandbyManifest.FILE))
                .as("snapshot left with its manifest")
                .exists();
        Path ghost = state.resolve("standby/ghost/ghost-1");
        Files.createDirectories(ghost);

        start(state, false);
        List<InstanceChange> changes = new CopyOnWriteArrayList<>();
        node.onInstanceChange(changes::add);
        node.deploy(spec);
        ServiceStatus adopted = node.status("again").orElseThrow();
        assertThat(adopted.instances()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo(before.id());
            assertThat(i.tier()).isEqualTo("snapshotted");
            assertThat(i.startedAt()).isEqualTo(before.startedAt());
        });
        await(() -> node.status("again").orElseThrow().templateReady(), Duration.ofSeconds(60));
        assertThat(node.pruneUnknown())
                .as("the snapshot of a service nobody deployed")
                .isEqualTo(1);
        assertThat(ghost).doesNotExist();

        long t0 = System.nanoTime();
        assertThat(get(node, "again", "/")).isEqualTo("200 hello from the node test");
        long firstMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(wakes(node, "again", "restore_snapshot")).isEqualTo(1);
        assertThat(wakes(node, "again", "cold_boot") + wakes(node, "again", "clone_template"))
                .isZero();
        assertThat(changes)
                .extracting(c -> c.instanceId() + " " + c.from() + "->" + c.to() + " via " + c.via())
                .contains(
                        before.id() + " none->snapshotted via adopt",
                        before.id() + " snapshotted->running via restore_snapshot");
        assertThat(left).as("a restored instance's snapshot is gone").doesNotExist();
        assertThat(node.console(before.id()))
                .hasValueSatisfying(c -> assertThat(c).isNotEmpty().hasSizeLessThanOrEqualTo(Node.CONSOLE_LIMIT));
        assertThat(node.console("again-999")).isEmpty();
        System.out.printf("first request after restart, restored from the adopted snapshot: %d ms%n", firstMs);

        // Removal lets a request in flight finish, then deletes everything the service had.
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return get(node, "again", "/cgi-bin/slow");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await(() -> node.router().snapshot("again").inFlight() > 0, Duration.ofSeconds(10));
        Instant removing = Instant.now();
        assertThat(node.remove("again")).isTrue();
        assertThat(slow.get()).isEqualTo("200 " + before.id());
        assertThat(Duration.between(removing, Instant.now())).isLessThan(Duration.ofSeconds(30));
        assertThat(state.resolve("standby/again")).doesNotExist();
        try (var files = Files.walk(state)) {
            assertThat(files.filter(f -> f.getFileName().toString().equals("snapshot.json")))
                    .as("no snapshot or template of the removed service is left")
                    .isEmpty();
        }
    }
}
