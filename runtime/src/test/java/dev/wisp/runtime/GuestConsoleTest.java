package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.VmTests;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest cannot grow the platform's heap or steer its instance through the console: apps that
 * print marker lines forever, or one endless line, against real microVMs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class GuestConsoleTest {
    /** Tail bound plus slack: what one VM's console may hold however much it prints. */
    private static final int RETAINED_LIMIT = Console.TAIL_CHARS + Console.MAX_LINE_BYTES;

    @TempDir
    static Path scratch;

    @RegisterExtension
    final TestRuntime runtime = new TestRuntime(() -> TestGuests.config().withVmmPool(0));

    private final ConcurrentHashMap<String, AtomicLong> consoleBytes = new ConcurrentHashMap<>();

    @BeforeAll
    void countConsoleBytes() {
        runtime.get()
                .onConsole((id, line) ->
                        consoleBytes.computeIfAbsent(id, k -> new AtomicLong()).addAndGet(line.length() + 1));
    }

    @Test
    void appPrintingMarkersForever_changesNothingAndHoldsABoundedConsole() throws Exception {
        // Every marker the host knows, forged by the app on stdout and stderr as fast as it can, 120,000
        // lines (a flood that never stops would starve the guest's own network on one TCG vCPU).
        VmSpec spec = TestGuests.spec(
                TestGuests.image(
                        scratch,
                        "forger",
                        "httpd -f -p 8080 -h www & i=0; "
                                + "while [ $i -lt 20000 ]; do echo '@@wisp ready 1'; echo '@@wisp exit 0'; echo '@@wisp init 1' >&2;"
                                + " echo '@@wisp error forged'; echo '@@wisp restored forger-1'; echo '@@wisp env'; i=$((i+1)); done; wait"));
        Instance vm = runtime.get().boot("forger-1", spec);
        try {
            awaitConsoleBytes("forger-1", 400_000);

            assertThat(vm.state()).isEqualTo(InstanceState.READY);
            assertThat(vm.history())
                    .extracting(InstanceEvent::to)
                    .containsExactly(InstanceState.BOOTING, InstanceState.READY);
            assertThat(vm.markerBacklog()).isZero();
            assertThat(console(vm).retainedChars()).isLessThanOrEqualTo(RETAINED_LIMIT);
            // The app's lines stay readable for logs, untagged (stdout's or stderr's: the two are relayed
            // apart, so the bounded tail may hold only one of them).
            assertThat(vm.consoleTail()).anySatisfy(l -> assertThat(l).startsWith("@@wisp "));
            assertThat(awaitHttp(vm)).isEqualTo("200 hello from a test guest");

            // A pause and resume still work (and a forged marker can't answer for the guest).
            vm.pause();
            vm.resume();
            assertThat(vm.state()).isEqualTo(InstanceState.READY);
        } finally {
            vm.stop();
        }
    }

    @Test
    void endlessLineWithoutNewline_leavesHeapBoundedAndVmWorking() throws Exception {
        // Straight to the console device, past the agent's relay: the host must cut it itself. About
        // 2 MB and no newline ever, once the app is up (from the first moment it would starve boot's
        // own port check on one TCG vCPU); then the app only serves.
        VmSpec spec = TestGuests.spec(TestGuests.image(
                scratch,
                "endless",
                "httpd -f -p 8080 -h www & sleep 5; i=0; "
                        + "x=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;"
                        + " x=$x$x$x$x$x$x$x$x; while [ $i -lt 2500 ]; do printf %s \"$x@@wisp exit 0\"; i=$((i+1)); done"
                        + " > /dev/console; wait"));
        Instance vm = runtime.get().boot("endless-1", spec);
        try {
            long heapBefore = usedHeapAfterGc();
            long bytes = awaitConsoleBytes("endless-1", 2_000_000);
            long heapAfter = usedHeapAfterGc();
            System.out.printf(
                    "endless line: %d bytes through the console, heap after GC %d -> %d KiB, console holds %d chars%n",
                    bytes, heapBefore >> 10, heapAfter >> 10, console(vm).retainedChars());

            assertThat(console(vm).retainedChars()).isLessThanOrEqualTo(RETAINED_LIMIT);
            // A reader that grows the line would hold at least two bytes per character seen.
            assertThat(heapAfter - heapBefore).isLessThan(bytes / 2);
            assertThat(vm.consoleTail())
                    .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Console.MAX_LINE_BYTES));
            assertThat(vm.state()).isEqualTo(InstanceState.READY);
            assertThat(vm.markerBacklog()).isZero();
            assertThat(awaitHttp(vm)).isEqualTo("200 hello from a test guest");
        } finally {
            vm.stop();
        }
    }

    @Test
    void stoppedInstance_retainsNothingOfItsConsole() throws Exception {
        VmSpec spec = TestGuests.spec(
                TestGuests.image(scratch, "chatty", "httpd -f -p 8080 -h www & " + "while :; do echo chatter; done"));
        Instance vm = runtime.get().boot("chatty-1", spec);
        WeakReference<Console> console;
        try {
            awaitConsoleBytes("chatty-1", 50_000);
            console = new WeakReference<>(console(vm));
        } finally {
            vm.stop();
        }

        assertThat(runtime.get().instances()).doesNotContain(vm);
        assertThat(vm.consoleTail()).isEmpty();
        assertThat(vm.markerBacklog()).isZero();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (console.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        assertThat(console.get())
                .as("console of a stopped instance still reachable")
                .isNull();
    }

    /** The app's answer once its flood is over (bounded: the flood is finite). */
    private static String awaitHttp(Instance vm) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        String answer = TestGuests.get(vm.hostPort(), "/");
        while (!answer.startsWith("200") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            answer = TestGuests.get(vm.hostPort(), "/");
        }
        return answer;
    }

    private static Console console(Instance vm) {
        return vm.console();
    }

    /** Waits (bounded) until the instance has printed this many bytes; returns how many it printed. */
    private long awaitConsoleBytes(String id, long bytes) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            long seen = consoleBytes.getOrDefault(id, new AtomicLong()).get();
            if (seen >= bytes) {
                return seen;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError(id + " printed only "
                + consoleBytes.getOrDefault(id, new AtomicLong()).get() + " bytes, expected " + bytes);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
