package dev.wisp.store;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded store's lease timer: a daemon thread that looks at the committed leases every
 * {@link EmbeddedOptions#leaseCheckInterval()} and, when one is past its deadline, has the store
 * revoke the due ones (a logged write through the commit loop). An interval of zero means no timer:
 * tests expire leases by hand.
 */
final class LeaseExpiryTimer {

    private static final System.Logger LOG = System.getLogger("dev.wisp.store");

    private final CommittedState committed;
    private final InstantSource clock;
    private final Runnable expireDue;
    private final String storeName;
    private final long everyMillis;
    private final ScheduledExecutorService timer;

    /** {@code expireDue} revokes the due leases; it is called on the timer thread. */
    LeaseExpiryTimer(
            Duration every, InstantSource clock, CommittedState committed, Runnable expireDue, String storeName) {
        this.committed = committed;
        this.clock = clock;
        this.expireDue = expireDue;
        this.storeName = storeName;
        this.everyMillis = every.toMillis();
        this.timer = every.isZero()
                ? null
                : Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name("wisp-store-leases").daemon().factory());
    }

    void start() {
        if (timer != null) {
            timer.scheduleWithFixedDelay(this::expireInBackground, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
        }
    }

    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void expireInBackground() {
        try {
            if (committed.hasLeaseDue(clock.millis())) {
                expireDue.run();
            }
        } catch (StoreClosedException e) {
            // closing; nothing to do
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "expiring leases in state store " + storeName + " failed", e);
        }
    }
}
