package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.image.Image;
import dev.wisp.testing.VmTests;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets a one-line error and leaves no process, socket or directory behind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class BadInputTest {
    @TempDir
    static Path scratch;

    /** How long a pool refill may take on a busy machine (a VMM start under TCG takes about a second). */
    private static final Duration POOL_SETTLE = Duration.ofSeconds(60);

    @RegisterExtension
    final TestRuntime runtime = new TestRuntime();

    @Test
    void missingKernel_clearErrorBeforeAnythingStarts() {
        VmSpec spec = VmSpec.of(
                new BootSource(
                        scratch.resolve("no-vmlinux"), scratch.resolve("no-initrd"), Optional.empty(), List.of()),
                8080);
        assertThatThrownBy(() -> runtime.get().boot("bad-kernel", spec))
                .isInstanceOf(VmException.class)
                .hasMessage("kernel not found: " + scratch.resolve("no-vmlinux"));
        assertThat(runtime.get().instances()).noneMatch(i -> i.id().equals("bad-kernel"));
    }

    @Test
    void entrypointExitsAtOnce_failsWithItsExitCode() throws Exception {
        Image image = TestGuests.image(scratch, "exits", "echo giving up; exit 3");
        assertThatThrownBy(() -> runtime.get().boot("bad-exit", TestGuests.spec(image)))
                .isInstanceOf(InstanceFailedException.class)
                .hasMessage("bad-exit: entrypoint exited with code 3 before it was ready")
                .satisfies(e ->
                        assertThat(((InstanceFailedException) e).consoleTail()).contains("giving up"))
                .satisfies(e -> assertThat(((InstanceFailedException) e).hostFault())
                        .as("the app's failure, not the host's")
                        .isFalse());
        assertLeftNothing("bad-exit");
    }

    @Test
    void appNeverListens_readyTimeout() throws Exception {
        Image image = TestGuests.image(scratch, "silent", "sleep 600");
        VmSpec spec = TestGuests.spec(image).withReadyTimeout(Duration.ofSeconds(12));
        assertThatThrownBy(() -> runtime.get().boot("bad-silent", spec))
                .isInstanceOf(InstanceFailedException.class)
                .hasMessage("bad-silent: app did not listen on port 8080 within 12 s (ready timeout)")
                .satisfies(e ->
                        assertThat(((InstanceFailedException) e).hostFault()).isFalse());
        assertLeftNothing("bad-silent");
    }

    @Test
    void corruptSnapshot_restoreFailsAndKeepsTheSnapshot() throws Exception {
        VmSpec spec = TestGuests.spec(TestGuests.webApp(scratch));
        Instance vm = runtime.get().boot("bad-snap", spec);
        Snapshot snap = vm.snapshot(scratch.resolve("corrupt"));
        vm.stop();
        // stop() of a snapshotted instance deletes its standby; take a copy back first.
        assertThat(snap.directory()).doesNotExist();

        Instance again = runtime.get().boot("bad-snap-2", spec);
        Snapshot good = again.snapshot(scratch.resolve("corrupt2"));
        try (RandomAccessFile f = new RandomAccessFile(good.stateFile().toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }
        Snapshot reread = runtime.get().loadSnapshot(good.directory());
        assertThatThrownBy(() -> runtime.get().restore(reread, "bad-snap-3"))
                .isInstanceOf(InstanceFailedException.class)
                .hasMessageContaining("snapshot is corrupt")
                .satisfies(e -> assertThat(((InstanceFailedException) e).hostFault())
                        .as("a snapshot the VMM rejects would be rejected again")
                        .isFalse());
        assertLeftNothing("bad-snap-3");
        assertThat(good.stateFile()).exists();

        Files.write(good.stateFile(), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> runtime.get().loadSnapshot(good.directory()))
                .isInstanceOf(VmException.class)
                .hasMessageContaining("snapshot is corrupt")
                .hasMessageContaining("has 3 bytes");
        again.stop();
    }

    @Test
    void outOfRangeResources_rejectedWithTheRange() {
        BootSource boot = new BootSource(Path.of("k"), Path.of("i"), Optional.empty(), List.of());
        assertThatThrownBy(() -> new VmSpec(boot, 0, 256, 8080, null)).hasMessage("vcpus must be 1..32, got 0");
        assertThatThrownBy(() -> new VmSpec(boot, 1, 16, 8080, null))
                .hasMessage("memory must be 32..65536 MiB, got 16");
        assertThatThrownBy(() -> new VmSpec(boot, 1, 256, 70000, null))
                .hasMessage("guest port must be 1..65535, got 70000");
    }

    @Test
    void duplicateOrInvalidId_rejected() {
        VmSpec spec = TestGuests.spec(TestGuests.webApp(scratch));
        assertThatThrownBy(() -> runtime.get().boot("Bad Id!", spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid instance id 'Bad Id!'");
    }

    /**
     * The failed instance left no directory, VMM process or port. A restore also asks the VMM pool
     * to refill in the background, and a refilling pool holds a port and runs a VMM before that
     * VMM counts as idle: so wait (bounded) until nothing is in flight, then allow exactly the idle
     * pool. Counting this JVM's VMM children also covers a failed restore that had taken a pooled
     * VMM (named after the pool, not after the instance).
     */
    private void assertLeftNothing(String id) throws InterruptedException {
        assertThat(runtime.get().instanceDirectory(id)).doesNotExist();
        assertThat(TestGuests.vmmProcessExists(id)).isFalse();
        long deadline = System.nanoTime() + POOL_SETTLE.toNanos();
        while (!poolSettled() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int idle = runtime.get().pool().idleCount();
        assertThat(runtime.get().network().held())
                .as("networks held beyond the idle VMM pool")
                .isEqualTo(idle);
        assertThat(vmmChildren()).as("VMM processes beyond the idle VMM pool").isEqualTo(idle);
    }

    private boolean poolSettled() {
        if (!runtime.get().pool().settled()) {
            return false; // a refill is waiting to start or starting
        }
        int idle = runtime.get().pool().idleCount();
        return runtime.get().network().held() == idle && vmmChildren() == idle;
    }

    /** Live VMM processes this JVM started (idle pooled ones included). */
    private static long vmmChildren() {
        return ProcessHandle.current()
                .children()
                .filter(p -> p.isAlive()
                        && p.info()
                                .commandLine()
                                .map(c -> c.contains(" -name wisp-"))
                                .orElse(false))
                .count();
    }
}
