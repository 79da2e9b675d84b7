package dev.wisp.node;

import dev.wisp.autoscaler.WakePath;
import dev.wisp.router.ServiceEndpoints;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * What a {@link ServiceController} does when a start of a new instance (clone or boot) succeeds
 * or fails: it keeps the crash-loop back-off ({@link StartFailures}), tells the router why the
 * service cannot serve while nothing is left to wake, and remembers a start the back-off held
 * back so the tick can retry it once the back-off is over. Guarded by the controller's monitor.
 */
final class StartOutcomes implements Wakes.Outcomes {
    private static final System.Logger LOG = System.getLogger(StartOutcomes.class.getName());

    private final ServiceScope scope;
    private final ServiceSpec spec;
    private final ServiceEndpoints endpoints;
    private final Replicas replicas;
    private final Object lock;
    private final BooleanSupplier closed;
    private final StartFailures starts = new StartFailures();
    /** A start was wanted (initial scale, min instances, demand) while backing off: retry when it ends. */
    private boolean retryWanted;

    /** @param lock the controller's monitor; {@code closed} whether the controller has closed */
    StartOutcomes(
            ServiceScope scope, ServiceEndpoints endpoints, Replicas replicas, Object lock, BooleanSupplier closed) {
        this.scope = scope;
        this.spec = scope.spec();
        this.endpoints = endpoints;
        this.replicas = replicas;
        this.lock = lock;
        this.closed = closed;
    }

    @Override
    public void started(WakePath path) {
        synchronized (lock) {
            if (path == WakePath.CLONE_TEMPLATE || path == WakePath.COLD_BOOT) {
                if (starts.failure() != null) {
                    LOG.log(
                            System.Logger.Level.INFO,
                            "{0}: started after {1} failed start(s)",
                            spec.name(),
                            starts.failure().attempts());
                }
                starts.succeeded();
                retryWanted = false;
            }
            endpoints.unavailable(null);
        }
    }

    @Override
    public void startFailed(WakePath path, RuntimeException e) {
        if (e instanceof CapacityException || path == WakePath.RESUME_PAUSED || path == WakePath.RESTORE_SNAPSHOT) {
            return; // not a start of the app: memory, or a sleeping instance that could not wake
        }
        synchronized (lock) {
            if (closed()) {
                return;
            }
            ServiceStatus.StartFailure f = starts.failed(e, scope.clock().instant());
            retryWanted |= (!f.everReady() && spec.scaling().initialScale() > 0)
                    || spec.scaling().minInstances() > 0;
            long backoffMs = Duration.between(f.at(), f.retryAt()).toMillis();
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: start {1} in a row failed, next in {2} ms: {3}",
                    spec.name(),
                    f.attempts(),
                    backoffMs,
                    f.reason());
            if (replicas.existing() == 0) {
                // Nothing to wake: requests get the reason now rather than the queue timeout.
                endpoints.unavailable("service cannot start an instance: " + f.reason() + " (" + f.attempts()
                        + " failed start" + (f.attempts() == 1 ? "" : "s") + " in a row; next try in "
                        + Math.max(1, (backoffMs + 999) / 1000) + " s)");
            }
        }
    }

    @Override
    public boolean closed() {
        return closed.getAsBoolean();
    }

    /**
     * Whether a new instance may be started at {@code now}; if not (backing off after a failed
     * start), the start is remembered and the tick retries when the back-off is over. Caller
     * holds the monitor.
     */
    boolean mayStart(Instant now) {
        if (starts.mayStart(now)) {
            return true;
        }
        retryWanted = true;
        return false;
    }

    /**
     * The reason for the retry a back-off held back, once it is over and nothing else serves or
     * wakes; null if none is due. Caller holds the monitor and starts the instance.
     */
    String retryDue(Instant now) {
        if (retryWanted
                && starts.failure() != null
                && starts.mayStart(now)
                && replicas.waking.get() == 0
                && replicas.running() == 0) {
            retryWanted = false;
            return "retry after " + starts.failure().attempts() + " failed start(s)";
        }
        return null;
    }

    /** The last failed start since the last successful one, or null; safe from any thread. */
    ServiceStatus.StartFailure failure() {
        return starts.failure();
    }
}
