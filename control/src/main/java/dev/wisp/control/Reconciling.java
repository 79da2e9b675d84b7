package dev.wisp.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** What the API asks of the reconcile loop: a pass soon, or a pass now (bounded wait). */
interface Reconciling {
    /** Asks for a pass soon; completes when it has run (at once where no loop runs here). */
    CompletableFuture<Void> trigger();

    /** Waits (bounded) for a pass that starts after this call. */
    void reconcileNow(Duration timeout);
}
