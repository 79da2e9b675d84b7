package dev.wisp.store;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The committed state's revision, and where watches sleep until it reaches theirs. It has its own
 * lock, apart from the state's, so a waiting watch never blocks the writer.
 */
final class PublishedRevision {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long revision;
    /** The writer has stopped: no revision will be added, watches that caught up can end. */
    private volatile boolean finished;

    PublishedRevision(long revision) {
        this.revision = revision;
    }

    long get() {
        return revision;
    }

    /** The revision now visible; {@link #wakeAll()} then tells the watches. */
    void set(long revision) {
        this.revision = revision;
    }

    /** No revision will be published any more: watches that caught up end. */
    void finish() {
        finished = true;
        wakeAll();
    }

    /** Waits until the revision reaches {@code rev} or {@code waiter} is cancelled; false if it never will. */
    boolean await(long rev, WatchRunner waiter) {
        lock.lock();
        try {
            while (revision < rev && !waiter.cancelled()) {
                if (finished) {
                    return false;
                }
                changed.awaitUninterruptibly();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
