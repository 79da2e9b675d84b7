package dev.wisp.runtime;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells when VMM processes end, on a thread of its own.
 *
 * <p>Why not {@link Process#onExit()}: the JDK completes it with {@code handleAsync} on the common
 * ForkJoinPool, which has a single thread on a two-core host; anything else that blocks that
 * thread (a {@code parallelStream}, a {@code supplyAsync} in an embedding app) delays noticing a
 * dead VM for as long (seen: 4 s under load). {@link Process#isAlive()} is updated by the JDK's
 * reaper directly, so polling it every few milliseconds is both prompt and cheap.
 */
final class ExitWatcher {
    private static final long POLL_NANOS = 5_000_000L;
    private static final Map<Process, CompletableFuture<Integer>> WATCHED = new ConcurrentHashMap<>();

    static {
        Thread t = new Thread(ExitWatcher::loop, "vmm-exit-watcher");
        t.setDaemon(true);
        t.start();
    }

    private ExitWatcher() {}

    /** Completes with the exit code once {@code process} has ended. */
    static CompletableFuture<Integer> watch(Process process) {
        return WATCHED.computeIfAbsent(process, p -> new CompletableFuture<>());
    }

    private static void loop() {
        while (true) {
            for (Map.Entry<Process, CompletableFuture<Integer>> e : WATCHED.entrySet()) {
                Process p = e.getKey();
                if (!p.isAlive()) {
                    WATCHED.remove(p);
                    // Listeners run elsewhere: one slow listener must not hold up the next death.
                    Thread.ofVirtual().start(() -> e.getValue().complete(p.exitValue()));
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
