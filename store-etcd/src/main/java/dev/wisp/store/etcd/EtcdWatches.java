package dev.wisp.store.etcd;

import dev.wisp.store.Watch;
import dev.wisp.store.WatchListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The etcd store's open watches: opens them, resumes their broken streams on one timer thread,
 * and ends every one of them when the store closes.
 */
final class EtcdWatches {
    private final EtcdRpc rpc;
    private final ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("wisp-etcd-watch-resume").daemon().factory());
    private final Set<EtcdWatch> open = ConcurrentHashMap.newKeySet();

    EtcdWatches(EtcdRpc rpc) {
        this.rpc = rpc;
    }

    /** Watches the keys under {@code prefix} from revision {@code from} on (a revision, not 0). */
    Watch open(String prefix, long from, WatchListener listener) {
        EtcdWatch w = new EtcdWatch(this, prefix, from, listener);
        open.add(w);
        rpc.ensureOpen();
        w.start();
        if (rpc.isClosed()) { // closed while starting: closeAll() may have missed this watch
            w.end(rpc.closedException());
        }
        return w;
    }

    EtcdRpc rpc() {
        return rpc;
    }

    /** Runs {@code task} after {@code delayMillis}; nothing once the store is closing (it ends the watches). */
    void later(Runnable task, long delayMillis) {
        try {
            resumer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the store is closing; closeAll() ends the watch
        }
    }

    /** A watch has ended (cancelled, or its error delivered): it is no longer open. */
    void ended(EtcdWatch w) {
        open.remove(w);
    }

    /** Ends every open watch with the closed store's error; called once the rpc is closed. */
    void closeAll() {
        for (EtcdWatch w : List.copyOf(open)) {
            w.end(rpc.closedException());
        }
        resumer.shutdownNow();
    }
}
