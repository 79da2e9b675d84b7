package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Host or guest: how {@link VmmFault} judges a failure, on real processes in a VMM's place (one
 * killed by a signal, one that exited with an error, one still running).
 */
class VmmFaultTest {
    @Test
    void noVmmCameUpWhileLaunching_isTheHosts() {
        assertThat(VmmFault.ofHost(null, new VmException("VMM did not start: no QMP socket"), true))
                .isTrue();
    }

    @Test
    void noVmmOutsideALaunch_isNotTheHosts() {
        assertThat(VmmFault.ofHost(null, null, false)).isFalse();
    }

    @Test
    void vmmKilledByASignal_isTheHosts() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        CompletableFuture<Integer> exited = VmmLauncher.exitOf(p);
        p.destroyForcibly(); // SIGKILL, as kill -9; its control socket would break at once
        assertThat(VmmFault.killedBySignal(p.isAlive(), exited, true)).isTrue();
    }

    @Test
    void vmmThatExitedWithAnError_isNotTheHosts() throws Exception {
        // QEMU exits on its own when it rejects a snapshot or its guest shuts down.
        Process p = new ProcessBuilder("sh", "-c", "exit 1").start();
        CompletableFuture<Integer> exited = VmmLauncher.exitOf(p);
        p.waitFor(10, TimeUnit.SECONDS);
        assertThat(VmmFault.killedBySignal(p.isAlive(), exited, true)).isFalse();
    }

    @Test
    void vmmStillRunning_isNotTheHosts() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            assertThat(VmmFault.killedBySignal(p.isAlive(), VmmLauncher.exitOf(p), false))
                    .isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void exitCodes_killedFromOutsideIsSigkillOrSigterm() {
        assertThat(VmmFault.killedFromOutside(137)).as("SIGKILL").isTrue();
        assertThat(VmmFault.killedFromOutside(143)).as("SIGTERM").isTrue();
        assertThat(VmmFault.killedFromOutside(134))
                .as("SIGABRT: QEMU gave up itself")
                .isFalse();
        assertThat(VmmFault.killedFromOutside(139)).as("SIGSEGV: QEMU crashed").isFalse();
        assertThat(VmmFault.killedFromOutside(0)).isFalse();
        assertThat(VmmFault.killedFromOutside(1)).isFalse();
    }
}
