package dev.wisp.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded store's committed state: keys, leases and watch history behind a read-write lock.
 * The {@link CommitLoop} publishes records into it once they are on disk; reads, the lease timer
 * and watches ({@link WatchRunner.Source}) only read it, and watches sleep on its
 * {@link PublishedRevision} until a revision they wait for is published.
 */
final class CommittedState implements WatchRunner.Source {

    private static final int SCAN_EVENTS = 256;

    private final String name;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final KvState state;
    private final History history;
    private final PublishedRevision published;

    /** @param recovered the state and history the store's files held */
    CommittedState(String name, Recovery.Result recovered) {
        this.name = name;
        this.state = recovered.state();
        this.history = recovered.history();
        this.published = new PublishedRevision(state.revision());
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
        return published.get();
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
            published.set(state.revision());
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
        published.finish();
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
        return published.await(rev, waiter);
    }

    @Override
    public void wakeWatches() {
        published.wakeAll();
    }

    @Override
    public String name() {
        return name;
    }
}
