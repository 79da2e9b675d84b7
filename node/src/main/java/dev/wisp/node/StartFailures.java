package dev.wisp.node;

import dev.wisp.runtime.InstanceFailedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Crash-loop back-off for one service (Kubernetes' CrashLoopBackOff): after a start of a new
 * instance fails (a boot, a clone or the warm template), the next start waits 1 s, then 2 s,
 * 4 s ... up to 5 min, counted from the failure. A start that succeeds resets it. Guarded by the
 * controller's monitor; {@link #failure()} is safe from any thread.
 */
final class StartFailures {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /** Console lines kept with a failure: the end of the tail, where the cause usually is. */
    static final int CONSOLE_LINES = 20;

    private volatile ServiceStatus.StartFailure last;
    private int consecutive;
    private boolean everReady;

    /** Records a failed start; returns the failure as status shows it. */
    ServiceStatus.StartFailure failed(RuntimeException e, Instant now) {
        consecutive++;
        List<String> tail = e instanceof InstanceFailedException f ? f.consoleTail() : List.of();
        if (tail.size() > CONSOLE_LINES) {
            tail = tail.subList(tail.size() - CONSOLE_LINES, tail.size());
        }
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        ServiceStatus.StartFailure f = new ServiceStatus.StartFailure(
                reason, List.copyOf(tail), now, consecutive, now.plus(backoff(consecutive)), everReady);
        last = f;
        return f;
    }

    /** An instance started: the loop, if any, is over. */
    void succeeded() {
        consecutive = 0;
        everReady = true;
        last = null;
    }

    /** Whether a new instance may be started at {@code now} (no failure, or its back-off is over). */
    boolean mayStart(Instant now) {
        ServiceStatus.StartFailure f = last;
        return f == null || !now.isBefore(f.retryAt());
    }

    /** The last failed start since the last successful one, or null. */
    ServiceStatus.StartFailure failure() {
        return last;
    }

    /** 1 s after the first failure, doubling, at most {@link #MAX_BACKOFF}. */
    static Duration backoff(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        long ms = FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 20);
        return Duration.ofMillis(Math.min(ms, MAX_BACKOFF.toMillis()));
    }
}
