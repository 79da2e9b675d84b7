package dev.wisp.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded store's committed state: keys, leases and watch history behind a read-write lock.
 * The {@link CommitLoop} publishes records into it once they are on disk; reads, the lease timer
 * and watches ({@link WatchRunner.Source}) only read it, and watches sleep here until a revision
 * they wait for is published.
 */
final class CommittedState implements WatchRunner.Source {

    private static final int SCAN_EVENTS = 256;

    private final String name;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final KvState state;
    private final History history;
    private volatile long revision;

    /** Watches sleep on this; it is separate from the state lock so waiting never blocks writers. */
    private final ReentrantLock signalLock = new ReentrantLock();

    private final Condition changed = signalLock.newCondition();
    /** The writer has stopped: no revision will be added, watches that caught up can end. */
    private volatile boolean finished;

    CommittedState(String name, KvState state, History history) {
        this.name = name;
        this.state = state;
        this.history = history;
        this.revision = state.revision();
    }

    Optional<KeyValue> get(String key) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(state.get(key));
        } finally {
            lock.readLock().unlock();
        }
    }

    RangeResult range(String prefix) {
        lock.readLock().lock();
        try {
            return new RangeResult(state.range(prefix), state.revision());
        } finally {
            lock.readLock().unlock();
        }
    }

    long revision() {
        return revision;
    }

    void compact(long rev) {
        lock.writeLock().lock();
        try {
            if (rev > state.revision()) {
                throw new IllegalArgumentException(
                        "cannot compact to revision " + rev + ", above the current revision " + state.revision());
            }
            history.compact(rev);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether a lease's deadline is at or before {@code nowMillis}. */
    boolean hasLeaseDue(long nowMillis) {
        lock.readLock().lock();
        try {
            return state.leases().stream().anyMatch(l -> l.deadlineMillis <= nowMillis);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Called by the writer with records that are on disk: make them visible, then wake watches. */
    void publish(List<WalRecord> records) {
        List<WatchEvent> events = new ArrayList<>();
        lock.writeLock().lock();
        try {
            for (WalRecord record : records) {
                events.clear();
                state.apply(record, events);
                history.append(events);
            }
            revision = state.revision();
        } finally {
            lock.writeLock().unlock();
        }
        wakeWatches();
    }

    /** The writer's working state, equal to the committed one: at start, and after a batch failed to be written. */
    KvState workingCopy() {
        lock.readLock().lock();
        try {
            return state.metadataCopy();
        } finally {
            lock.readLock().unlock();
        }
    }

    SnapshotFile.Image captureImage() {
        lock.readLock().lock();
        try {
            return SnapshotFile.capture(state);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The first revision a watch from {@code fromRevision} delivers: 0 means the next one.
     *
     * @throws CompactedException if {@code fromRevision} is older than the history kept
     */
    long watchStart(long fromRevision) {
        lock.readLock().lock();
        try {
            if (fromRevision == 0) {
                return state.revision() + 1;
            }
            if (fromRevision < history.oldestRevision()) {
                throw new CompactedException(fromRevision, history.oldestRevision());
            }
            return fromRevision;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** No revision will be published any more: watches that caught up end. */
    void finish() {
        finished = true;
        wakeWatches();
    }

    @Override
    public History.Scan scan(long from, String prefix) {
        lock.readLock().lock();
        try {
            if (from < history.oldestRevision()) {
                throw new CompactedException(from, history.oldestRevision());
            }
            return history.scan(from, prefix, SCAN_EVENTS);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public boolean awaitRevision(long rev, WatchRunner waiter) {
        signalLock.lock();
        try {
            while (revision < rev && !waiter.cancelled()) {
                if (finished) {
                    return false;
                }
                changed.awaitUninterruptibly();
            }
            return true;
        } finally {
            signalLock.unlock();
        }
    }

    @Override
    public void wakeWatches() {
        signalLock.lock();
        try {
            changed.signalAll();
        } finally {
            signalLock.unlock();
        }
    }

    @Override
    public String name() {
        return name;
    }
}
