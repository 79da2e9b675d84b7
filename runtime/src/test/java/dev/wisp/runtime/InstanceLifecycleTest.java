package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.image.Image;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Boots, pauses, snapshots, restores, clones and kills real microVMs on QEMU. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class InstanceLifecycleTest {
    @TempDir
    static Path scratch;

    @RegisterExtension
    final TestRuntime runtime = new TestRuntime();

    private VmSpec spec;

    @BeforeAll
    void buildGuest() {
        Image image = TestGuests.webApp(scratch);
        spec = TestGuests.spec(image);
    }

    @Test
    void boot_appInsideAnswersHttp() {
        Instance vm = runtime.get().boot("life-boot", spec);
        try {
            assertThat(vm.state()).isEqualTo(InstanceState.READY);
            assertThat(TestGuests.get(vm.hostPort(), "/")).isEqualTo("200 hello from a test guest");
            assertThat(TestGuests.get(vm.hostPort(), "/cgi-bin/whoami")).startsWith("200 life-boot ");
            assertThat(vm.history())
                    .extracting(InstanceEvent::to)
                    .containsExactly(InstanceState.BOOTING, InstanceState.READY);
        } finally {
            vm.stop();
        }
        assertThat(vm.state()).isEqualTo(InstanceState.STOPPED);
        assertThat(TestGuests.vmmProcessExists("life-boot")).isFalse();
    }

    @Test
    void pauseThenResume_servesAgain() {
        Instance vm = runtime.get().boot("life-pause", spec);
        try {
            vm.pause();
            assertThat(vm.state()).isEqualTo(InstanceState.PAUSED);
            assertThat(vm.vmmPid()).isPositive();
            vm.resume();
            assertThat(TestGuests.get(vm.hostPort(), "/")).startsWith("200");
        } finally {
            vm.stop();
        }
    }

    @Test
    void resumeSoon_vcpusRunBeforeResumeCompletesIt() {
        Instance vm = runtime.get().boot("life-soon", spec);
        try {
            assertThat(vm.resumeSoon()).as("not paused: nothing sent").isFalse();
            vm.pause();
            assertThat(vm.resumeSoon()).isTrue();
            assertThat(vm.resumeSoon()).as("already sent").isFalse();
            // The guest answers on the early `cont` alone; the state changes once resume() reads QEMU's answer.
            assertThat(TestGuests.get(vm.hostPort(), "/")).startsWith("200");
            assertThat(vm.state()).isEqualTo(InstanceState.PAUSED);
            vm.resume();
            assertThat(vm.state()).isEqualTo(InstanceState.READY);
            WakeTimings t = vm.lastWake().orElseThrow();
            assertThat(t.contNanos()).isGreaterThanOrEqualTo(t.startedNanos());
            // A later pause and resume take the usual way.
            vm.pause();
            vm.resume();
            assertThat(TestGuests.get(vm.hostPort(), "/")).startsWith("200");
        } finally {
            vm.stop();
        }
    }

    @Test
    void snapshotThenRestore_noProcessWhileSnapshottedAndServesAfter() throws Exception {
        Instance vm = runtime.get().boot("life-snap", spec);
        try {
            Snapshot snap = vm.snapshot(scratch.resolve("snap"));
            assertThat(vm.state()).isEqualTo(InstanceState.SNAPSHOTTED);
            assertThat(vm.vmmPid()).isEqualTo(-1);
            assertThat(TestGuests.vmmProcessExists("life-snap")).isFalse();
            assertThat(Files.size(snap.stateFile())).isEqualTo(snap.state().stateBytes());

            vm.restore();
            assertThat(vm.state()).isEqualTo(InstanceState.READY);
            assertThat(TestGuests.get(vm.hostPort(), "/cgi-bin/whoami")).startsWith("200 life-snap ");
            assertThat(scratch.resolve("snap")).doesNotExist();
        } finally {
            vm.stop();
        }
    }

    @Test
    void clonesOfOneTemplate_eachHaveOwnIdentityAndEntropy() {
        Template template = runtime.get().createTemplate("life", spec, scratch.resolve("template"));
        Set<String> answers = new HashSet<>();
        Set<String> randoms = new HashSet<>();
        for (int n = 0; n < 3; n++) {
            Instance clone = runtime.get().cloneFrom(template, "life-clone-" + n);
            try {
                String answer = TestGuests.get(clone.hostPort(), "/cgi-bin/whoami");
                assertThat(answer).startsWith("200 life-clone-" + n + " ");
                answers.add(answer);
                randoms.add(answer.substring(answer.lastIndexOf(' ') + 1));
            } finally {
                clone.stop();
            }
        }
        assertThat(answers).hasSize(3);
        assertThat(randoms).as("clones must not replay the template's RNG").hasSize(3);
        assertThat(template.snapshot().memoryFile().orElseThrow()).exists();
    }

    @Test
    void standbySnapshotOfClone_holdsOnlyChangedPagesAndRestoresServing() {
        Template template = runtime.get().createTemplate("delta", spec, scratch.resolve("template-delta"));
        Instance clone = runtime.get().cloneFrom(template, "life-delta");
        try {
            assertThat(TestGuests.get(clone.hostPort(), "/cgi-bin/whoami")).startsWith("200 life-delta ");
            Snapshot snap = clone.snapshot(scratch.resolve("delta-standby"));
            long guestBytes = (long) spec.memoryMib() << 20;
            assertThat(snap.state().stateBytes())
                    .as("only pages the clone changed, not its whole RAM")
                    .isLessThan(guestBytes / 8);
            assertThat(runtime.get().loadSnapshot(snap.directory()).memoryFile())
                    .contains(template.snapshot().memoryFile().orElseThrow());

            clone.restore();
            assertThat(TestGuests.get(clone.hostPort(), "/cgi-bin/whoami")).startsWith("200 life-delta ");
            assertThat(TestGuests.get(clone.hostPort(), "/")).isEqualTo("200 hello from a test guest");
            assertThat(template.snapshot().memoryFile().orElseThrow()).exists();
        } finally {
            clone.stop();
        }
    }

    @Test
    void snapshotLoadedIntoPooledVmm_listensAheadAndRunsAtTheLoadsEndWithoutCont() throws Exception {
        Instance vm = runtime.get().boot("life-auto", spec);
        InstanceVmm loaded = new InstanceVmm("life-auto", spec, runtime.get());
        try {
            Snapshot snap = vm.snapshot(scratch.resolve("auto"));
            VmmPool pool = runtime.get().pool();
            pool.refill(new VmmPool.Shape(snap.spec(), VmRuntime.memoryFor(snap)));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!(pool.settled() && pool.idleCount() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Path runDir = runtime.get().instanceDirectory("life-auto").getParent();
            try (var dirs = Files.list(runDir)) {
                assertThat(dirs.filter(d -> d.getFileName().toString().startsWith("pool-")))
                        .as("a pooled VMM listens for its stream before any load")
                        .anySatisfy(
                                d -> assertThat(d.resolve("migrate-in.sock")).exists());
            }

            loaded.load(snap, VmRuntime.memoryFor(snap), m -> {});
            // No `cont` was sent: Wisp's snapshots carry no run state, so QEMU ran the vCPUs at the load's end.
            String answer = TestGuests.get(loaded.hostPort(), "/");
            while (!answer.startsWith("200") && System.nanoTime() < deadline) {
                Thread.sleep(20);
                answer = TestGuests.get(loaded.hostPort(), "/");
            }
            assertThat(answer).isEqualTo("200 hello from a test guest");
        } finally {
            loaded.end();
            vm.stop();
        }
    }

    @Test
    void vmmKilledMidFlight_instanceFailsAndLeavesNothing() throws Exception {
        Instance vm = runtime.get().boot("life-kill", spec);
        int port = vm.hostPort();
        ProcessHandle.of(vm.vmmPid()).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (vm.state() != InstanceState.FAILED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(vm.state()).isEqualTo(InstanceState.FAILED);
        assertThat(vm.failure()).hasValueSatisfying(f -> assertThat(f).contains("exited unexpectedly"));
        assertThat(runtime.get().instanceDirectory("life-kill")).doesNotExist();
        assertThat(TestGuests.vmmProcessExists("life-kill")).isFalse();
        assertThat(TestGuests.get(port, "/")).startsWith("error");
    }
}
