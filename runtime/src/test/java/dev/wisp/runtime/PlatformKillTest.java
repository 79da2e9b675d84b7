package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.ChildJvm;
import dev.wisp.testing.VmTests;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VMMs die with their platform: kill -9 of a JVM running VMs leaves no QEMU process behind. */
class PlatformKillTest {
    @TempDir
    Path scratch;

    @Test
    void killedPlatform_leavesNoVmmRunning() throws Exception {
        VmTests.assume();
        assertThat(VmmLauncher.tiedToPlatform())
                .as("setpriv (util-linux) on this host")
                .isTrue();
        Process child = ChildJvm.of(RuntimeChild.class, scratch.toString())
                .redirectErrorStream(true)
                .start();
        List<Long> pids;
        try {
            pids = awaitPids(child);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            child.waitFor(30, TimeUnit.SECONDS);
        }
        // A running clone, a pooled VMM and a booting VM at least.
        assertThat(pids).hasSizeGreaterThanOrEqualTo(3);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<Long> alive = pids;
        while (System.nanoTime() < deadline && !alive.isEmpty()) {
            alive = pids.stream()
                    .filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                    .toList();
            Thread.sleep(50);
        }
        assertThat(alive)
                .as("VMMs still running after their platform was killed")
                .isEmpty();
    }

    private static List<Long> awaitPids(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("PIDS ")) {
                return Arrays.stream(line.substring(5).trim().split(" "))
                        .map(Long::parseLong)
                        .toList();
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("child platform ended before it reported its VMMs:\n" + seen);
    }
}
