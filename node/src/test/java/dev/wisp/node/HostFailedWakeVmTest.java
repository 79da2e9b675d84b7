package dev.wisp.node;

import static dev.wisp.node.NodeProbe.await;
import static dev.wisp.node.NodeProbe.awaitServing;
import static dev.wisp.node.NodeProbe.tier;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.InstanceState;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of the VMM restoring a snapshotted service's instance for a waiting request, in
 * real microVMs: the failure is the host's, so the wake is tried again at once from the snapshot
 * the failed restore kept, and the request gets 200 instead of a 503 (issue 16).
 */
@ExtendWith(VmTests.class)
class HostFailedWakeVmTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    /** Rounds at most: a round whose restore finished before the VMM could be stopped is not the case. */
    private static final int ROUNDS = 4;

    @Test
    void vmmKilledWhileRestoring_requestAnswered200ByARetryFromTheKeptSnapshot() throws Exception {
        Node node = BED.start();
        node.deploy(Guests.sinking("kept", BED.web(), Duration.ofSeconds(2), Duration.ofMinutes(30)));
        awaitServing(node, "kept");
        List<InstanceChange> changes = new CopyOnWriteArrayList<>();
        node.onInstanceChange(c -> {
            if (c.service().equals("kept")) {
                changes.add(c);
            }
        });

        String id = null;
        for (int round = 1; round <= ROUNDS && id == null; round++) {
            await(() -> tier(node, "kept", "snapshotted") == 1, Duration.ofSeconds(60));
            String sleeping =
                    node.status("kept").orElseThrow().instances().get(0).id();
            changes.clear();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> get(node));
            // Frozen mid-restore (SIGSTOP), the VMM cannot finish it; then killed.
            boolean caught = stopWhileRestoring(sleeping);
            assertThat(answer.get(120, TimeUnit.SECONDS))
                    .as("round %d", round)
                    .isEqualTo("200 hello from the node test");
            if (caught) {
                id = sleeping;
            }
        }
        assertThat(id)
                .as("a restore caught with its VMM running in " + ROUNDS + " rounds")
                .isNotNull();

        String woken = id;
        await(
                () -> NodeProbe.counter(node, "wisp_wake_retries_total", "path=\"restore_snapshot\",service=\"kept\"")
                        >= 1,
                Duration.ofSeconds(10));
        // The retry restored the snapshot the killed restore kept: the same instance, woken from it.
        await(
                () -> changes.stream()
                        .anyMatch(c -> c.instanceId().equals(woken)
                                && c.to().equals("running")
                                && c.via().equals("restore_snapshot")),
                Duration.ofSeconds(10));
        assertThat(changes)
                .as("the instance was not dropped")
                .noneMatch(c -> c.instanceId().equals(woken) && c.to().equals("gone"));
        assertThat(node.status("kept").orElseThrow().failure())
                .as("no failed start of the app")
                .isNull();
    }

    /**
     * Waits for {@code id}'s restore to have a VMM, stops it and, if the restore is still under
     * way, kills it (true); else lets it go on (false).
     */
    private static boolean stopWhileRestoring(String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<Instance> i = BED.runtime().instances().stream()
                    .filter(x -> x.id().equals(id))
                    .findFirst();
            if (i.isPresent() && i.get().state() != InstanceState.SNAPSHOTTED) {
                long pid = i.get().vmmPid();
                if (i.get().state() != InstanceState.RESTORING) {
                    return false;
                }
                if (pid > 0) {
                    signal("STOP", pid);
                    if (i.get().state() == InstanceState.RESTORING) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                        return true;
                    }
                    signal("CONT", pid);
                    return false;
                }
            }
            LockSupport.parkNanos(200_000);
        }
        return false;
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .inheritIO()
                .start()
                .waitFor();
    }

    private static String get(Node node) {
        try {
            return NodeProbe.get(node, "kept", "/");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
