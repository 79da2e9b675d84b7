package dev.wisp.functions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs asynchronous invocations: a delay queue of due attempts and a pool of workers. Every state
 * change is written to the store before the next step, so a restarted Wisp finds each invocation
 * where it was ({@link Functions} re-queues unfinished ones when their function is deployed).
 */
final class AsyncInvoker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AsyncInvoker.class.getName());
    /** How long an invocation whose function is at its concurrency limit waits before looking again. */
    static final long BUSY_RETRY_MS = 50;

    /** What a worker needs of a deployed function. */
    record Target(FunctionSpec spec, ConcurrencyLimit limit, InvocationLog log) {}

    private record Due(String function, String id, long atNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(atNanos, ((Due) o).atNanos);
        }
    }

    private final DelayQueue<Due> queue = new DelayQueue<>();
    private final InvocationStore store;
    private final RouterClient router;
    private final Function<String, Target> targets;
    private final Callbacks callbacks;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    AsyncInvoker(InvocationStore store, RouterClient router, Function<String, Target> targets, Callbacks callbacks) {
        this.store = store;
        this.router = router;
        this.targets = targets;
        this.callbacks = callbacks;
    }

    /** Starts the workers that run due attempts, {@code count} at once. */
    void start(int count) {
        for (int i = 0; i < count; i++) {
            workers.add(Thread.ofVirtual().name("wisp-fn-async-" + i).start(this::work));
        }
    }

    void enqueue(String function, String id, long delayMs) {
        queue.add(new Due(function, id, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs)));
    }

    private void work() {
        while (!closed) {
            try {
                Due due = queue.take();
                attempt(due.function(), due.id());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "async invocation step failed: " + e);
            }
        }
    }

    private void attempt(String function, String id) {
        Invocation inv = store.get(function, id).orElse(null);
        if (inv == null || inv.state().isFinal()) {
            return;
        }
        Target target = targets.apply(function);
        if (target == null) {
            finish(
                    null,
                    inv.with(Invocation.State.DEAD, inv.attempts(), inv.status(), null, "function was removed", now()));
            return;
        }
        if (!target.limit().tryAcquire()) {
            enqueue(function, id, BUSY_RETRY_MS);
            return;
        }
        int attempts = inv.attempts() + 1;
        Invocation running = inv.with(Invocation.State.RUNNING, attempts, inv.status(), null, inv.error(), now());
        FunctionResponse response = null;
        String error;
        try {
            store.put(running);
            FunctionCall call = new FunctionCall(
                    inv.method(), inv.path(), inv.headers(), Base64.getDecoder().decode(inv.requestBody()));
            response = router.call(function, call, target.spec().timeout());
            error = response.status() < 500
                    ? null
                    : "HTTP " + response.status() + ": " + abbreviate(response.bodyText());
        } catch (IOException e) {
            error = "no answer: " + e.getMessage();
        } finally {
            target.limit().release();
        }
        int status = response == null ? 0 : response.status();
        if (error == null) {
            finish(
                    target,
                    running.with(Invocation.State.SUCCEEDED, attempts, status, stored(response.body()), null, now()));
        } else if (target.spec().retry().retriesAfter(attempts)) {
            store.put(running.with(Invocation.State.FAILED, attempts, status, null, error, now()));
            enqueue(function, id, target.spec().retry().backoffAfter(attempts).toMillis());
        } else {
            finish(target, running.with(Invocation.State.DEAD, attempts, status, null, error, now()));
        }
    }

    private void finish(Target target, Invocation done) {
        store.put(done);
        if (target != null) {
            target.log()
                    .add(new LogEntry(
                            done.id(),
                            "async",
                            done.attempts(),
                            done.status(),
                            done.state() == Invocation.State.SUCCEEDED ? "ok" : "dead",
                            done.durationMs(),
                            done.updatedAtMs()));
        }
        if (done.callbackUrl() != null) {
            // Its own thread: a slow receiver (or the wait before "not delivered") must not hold a worker.
            Thread.ofVirtual().name("wisp-fn-callback").start(() -> {
                String outcome = callbacks.deliver(done);
                if (!closed) {
                    store.put(done.withCallback(outcome, now()));
                }
            });
        }
    }

    private static String stored(byte[] body) {
        int n = Math.min(body.length, Functions.MAX_STORED_RESULT);
        return new String(body, 0, n, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        String one = s.strip().replace('\n', ' ');
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }

    private long now() {
        return System.currentTimeMillis();
    }

    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
    }
}
