package dev.wisp.store;

import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One watch: a virtual thread that walks the store's history from its cursor, delivering matching
 * events, and sleeps when it has caught up. Replay and live delivery are the same loop, so there is
 * no hand-over between them where an event could be lost or seen twice.
 */
final class WatchRunner implements Watch, Runnable {

    private static final System.Logger LOG = System.getLogger("dev.wisp.store");
    private static final int SCAN_LIMIT = 256;

    /** What a watch needs from its store. */
    interface Source {
        /** @throws CompactedException if {@code from} is older than the history kept */
        History.Scan scan(long from, String prefix);

        /** Waits until revision {@code revision} exists; false if it never will (store closed). */
        boolean awaitRevision(long revision, WatchRunner waiter);

        /** Wakes waiting watches, so a cancelled one notices. */
        void wakeWatches();

        String name();
    }

    private final Source source;
    private final String prefix;
    private final WatchListener listener;
    /** Held while calling the listener, so {@link #cancel()} can wait for a call in progress. */
    private final ReentrantLock delivery = new ReentrantLock();

    private volatile boolean cancelled;
    private long cursor;

    WatchRunner(Source source, String prefix, long fromRevision, WatchListener listener) {
        this.source = source;
        this.prefix = prefix;
        this.cursor = fromRevision;
        this.listener = listener;
    }

    void start(long id) {
        Thread.ofVirtual().name("wisp-store-watch-" + id).start(this);
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public void cancel() {
        cancelled = true;
        source.wakeWatches();
        if (!delivery.isHeldByCurrentThread()) {
            delivery.lock(); // waits for a listener call in progress; later ones see the flag
            delivery.unlock();
        }
    }

    @Override
    public void run() {
        while (!cancelled) {
            History.Scan scan;
            try {
                scan = source.scan(cursor, prefix);
            } catch (CompactedException e) {
                end(e); // fell behind retention while slow
                return;
            }
            for (WatchEvent event : scan.events()) {
                if (!deliver(event)) {
                    return;
                }
            }
            if (scan.nextRevision() == cursor && !source.awaitRevision(cursor, this)) {
                end(new StoreClosedException("state store " + source.name() + " is closed"));
                return;
            }
            cursor = scan.nextRevision();
        }
    }

    private boolean deliver(WatchEvent event) {
        delivery.lock();
        try {
            if (cancelled) {
                return false;
            }
            listener.onEvent(event);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch on prefix '" + prefix + "' ended: its listener threw", e);
            endLocked(new StoreException("watch on prefix '" + prefix + "' ended: its listener threw " + e, e));
            return false;
        } finally {
            delivery.unlock();
        }
    }

    private void end(StoreException error) {
        delivery.lock();
        try {
            endLocked(error);
        } finally {
            delivery.unlock();
        }
    }

    private void endLocked(StoreException error) {
        if (cancelled) {
            return;
        }
        cancelled = true;
        try {
            listener.onError(error);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch listener's onError threw", e);
        }
    }
}
