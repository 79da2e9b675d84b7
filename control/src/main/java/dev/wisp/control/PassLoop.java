package dev.wisp.control;

import dev.wisp.common.BoundedWait;
import dev.wisp.store.StateStore;
import dev.wisp.store.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one kind of pass on a thread of its own: on every change under the store prefixes it
 * watches, when asked, and once an interval has gone by with none. Asks made while a pass waits to
 * run merge into it, so a burst of changes costs one pass. A pass that throws is logged (unless
 * closing) and the loop goes on. The reconciler and each cluster node's assigned work run this way.
 */
final class PassLoop {
    private static final System.Logger LOG = System.getLogger(PassLoop.class.getName());
    /** How long closing waits for a running pass. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(100);

    private final String what;
    private final Runnable pass;
    private final ScheduledExecutorService loop;
    private final AtomicReference<CompletableFuture<Void>> pending = new AtomicReference<>();
    private final List<Watch> watches = new ArrayList<>();
    private volatile boolean closed;
    private volatile long lastPass;

    /**
     * @param what names the passes in the log, e.g. {@code reconcile}
     * @param thread the loop thread's name
     */
    PassLoop(String what, String thread, Runnable pass) {
        this.what = what;
        this.pass = pass;
        this.loop = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(thread).daemon().factory());
    }

    /**
     * Watches the prefixes from the store's next revision, asks for the first pass and then one
     * each {@code interval} with no pass in between.
     *
     * @return the first pass, done when it has run
     */
    CompletableFuture<Void> start(StateStore store, List<String> prefixes, Duration interval) {
        long from = store.revision() + 1;
        for (String prefix : prefixes) {
            watches.add(store.watch(prefix, from, e -> trigger()));
        }
        CompletableFuture<Void> first = trigger();
        long ms = interval.toMillis();
        loop.scheduleWithFixedDelay(
                () -> {
                    // Some slack: a pass a moment short of the interval ago still counts as recent.
                    if (System.nanoTime() - lastPass >= TimeUnit.MILLISECONDS.toNanos(ms - 50)) {
                        trigger();
                    }
                },
                ms,
                ms,
                TimeUnit.MILLISECONDS);
        return first;
    }

    /** Asks for a pass soon; completes when it has run (at once once closed). */
    CompletableFuture<Void> trigger() {
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> existing = pending.compareAndExchange(null, fresh);
        if (existing != null) {
            return existing;
        }
        if (closed) {
            fresh.complete(null);
            return fresh;
        }
        try {
            loop.execute(this::runPass);
        } catch (RejectedExecutionException e) {
            pending.set(null);
            fresh.complete(null); // closing
        }
        return fresh;
    }

    /** Asks for a pass after {@code ms} (a pass that wants the next one soon). */
    void triggerAfter(long ms) {
        if (!closed) {
            loop.schedule(this::trigger, ms, TimeUnit.MILLISECONDS);
        }
    }

    boolean closed() {
        return closed;
    }

    private void runPass() {
        CompletableFuture<Void> mine = pending.getAndSet(null);
        lastPass = System.nanoTime();
        try {
            if (!closed) {
                pass.run();
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.WARNING, what + " pass failed: " + e);
            }
        } finally {
            if (mine != null) {
                mine.complete(null);
            }
        }
    }

    /**
     * Stops the loop and waits (bounded) for a running pass.
     *
     * @param interrupt whether to interrupt a running pass (one that may wait long, as a fetch) or
     *     let it finish
     */
    void close(boolean interrupt) {
        closed = true;
        watches.forEach(Watch::cancel);
        if (interrupt) {
            loop.shutdownNow();
        } else {
            loop.shutdown();
        }
        BoundedWait.await(loop::awaitTermination, CLOSE_WAIT);
    }
}
