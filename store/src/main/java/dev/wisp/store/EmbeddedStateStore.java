package dev.wisp.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The single-node {@link StateStore}: the committed state in memory, guarded by a read-write lock;
 * writes go through the {@link CommitLoop}, which makes them durable before they become visible.
 */
final class EmbeddedStateStore implements StateStore, WatchRunner.Source {

    private static final System.Logger LOG = System.getLogger("dev.wisp.store");
    private static final Duration MAX_TTL = Duration.ofSeconds(9_000_000_000L); // etcd's limit

    private final Path dir;
    private final EmbeddedOptions options;
    private final DirLock lock;

    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    private final KvState committed;
    private final History history;
    private volatile long revision;

    /** Watches sleep on this; it is separate from the state lock so waiting never blocks writers. */
    private final ReentrantLock signalLock = new ReentrantLock();
    private final Condition changed = signalLock.newCondition();

    /** Writers hold it shared while enqueueing, close() exclusively, so nothing is enqueued after Stop. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** The writer has stopped: no revision will be added, watches that caught up can end. */
    private volatile boolean finished;

    private final CommitLoop writer;
    private final ScheduledExecutorService leaseTimer;
    private final AtomicLong watchIds = new AtomicLong();

    private EmbeddedStateStore(Path dir, EmbeddedOptions options, DirLock lock, Recovery.Result recovered,
                               WalWriter wal) {
        this.dir = dir;
        this.options = options;
        this.lock = lock;
        this.committed = recovered.state();
        this.history = recovered.history();
        this.revision = committed.revision();
        this.writer = new CommitLoop(dir, this::workingCopy, wal, options, this::publish, this::captureImage);
        Duration every = options.leaseCheckInterval();
        if (every.isZero()) {
            this.leaseTimer = null;
        } else {
            this.leaseTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "wisp-store-leases");
                t.setDaemon(true);
                return t;
            });
        }
    }

    static EmbeddedStateStore open(Path dir, EmbeddedOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        DirLock lock;
        try {
            Files.createDirectories(dir, StoreFiles.PRIVATE_DIR);
            lock = DirLock.acquire(dir);
        } catch (IOException e) {
            throw new StoreException("cannot open state store " + dir + ": " + e, e);
        }
        try {
            Recovery.Result recovered = Recovery.run(dir, options);
            WalWriter wal = new WalWriter(dir, recovered.segmentSeq(), recovered.segmentSize());
            EmbeddedStateStore store = new EmbeddedStateStore(dir, options, lock, recovered, wal);
            store.start();
            return store;
        } catch (IOException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open state store " + dir + ": " + e, e);
        }
    }

    private void start() {
        writer.start();
        if (leaseTimer != null) {
            long ms = options.leaseCheckInterval().toMillis();
            leaseTimer.scheduleWithFixedDelay(this::expireInBackground, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public Optional<KeyValue> get(String key) {
        Keys.requireValidKey(key);
        ensureOpen();
        stateLock.readLock().lock();
        try {
            return Optional.ofNullable(committed.get(key));
        } finally {
            stateLock.readLock().unlock();
        }
    }

    @Override
    public RangeResult range(String prefix) {
        Keys.requireValidPrefix(prefix);
        ensureOpen();
        stateLock.readLock().lock();
        try {
            return new RangeResult(committed.range(prefix), committed.revision());
        } finally {
            stateLock.readLock().unlock();
        }
    }

    @Override
    public long revision() {
        ensureOpen();
        return revision;
    }

    // ---- writes ------------------------------------------------------------------------------

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        List<Compare> c = List.copyOf(compares);
        List<Op> t = List.copyOf(then);
        List<Op> o = List.copyOf(otherwise);
        if (c.size() > MAX_TXN_OPS) {
            throw new IllegalArgumentException("txn has " + c.size() + " compares; the limit is " + MAX_TXN_OPS
                    + " (StateStore.MAX_TXN_OPS)");
        }
        requireValidBranch("then", t);
        requireValidBranch("otherwise", o);
        return (TxnResult) submit(new Request.Txn(c, t, o));
    }

    @Override
    public boolean delete(String key) {
        Keys.requireValidKey(key);
        return (Boolean) submit(new Request.Delete(key));
    }

    @Override
    public void compact(long rev) {
        ensureOpen();
        stateLock.writeLock().lock();
        try {
            if (rev > committed.revision()) {
                throw new IllegalArgumentException("cannot compact to revision " + rev
                        + ", above the current revision " + committed.revision());
            }
            history.compact(rev);
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    @Override
    public long grantLease(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("lease ttl must be between 1 s and " + MAX_TTL.toSeconds() + " s, was "
                    + ttl);
        }
        return (Long) submit(new Request.Grant(ttl.toMillis()));
    }

    @Override
    public void keepAlive(long leaseId) {
        submit(new Request.KeepAlive(leaseId));
    }

    @Override
    public boolean revokeLease(long leaseId) {
        return (Boolean) submit(new Request.Revoke(leaseId));
    }

    /** Revokes leases whose deadline has passed by the clock; returns how many. The timer calls this too. */
    int expireDueLeases() {
        return (Integer) submit(new Request.ExpireDue());
    }

    private void expireInBackground() {
        try {
            long now = options.clock().millis();
            boolean due;
            stateLock.readLock().lock();
            try {
                due = committed.leases().stream().anyMatch(l -> l.deadlineMillis <= now);
            } finally {
                stateLock.readLock().unlock();
            }
            if (due) {
                expireDueLeases();
            }
        } catch (StoreClosedException e) {
            // closing; nothing to do
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "expiring leases in state store " + dir + " failed", e);
        }
    }

    private static void requireValidBranch(String name, List<Op> ops) {
        if (ops.size() > MAX_TXN_OPS) {
            throw new IllegalArgumentException("txn branch '" + name + "' has " + ops.size()
                    + " operations; the limit is " + MAX_TXN_OPS + " (StateStore.MAX_TXN_OPS)");
        }
        Set<String> keys = new HashSet<>();
        for (Op op : ops) {
            if (!keys.add(op.key())) {
                throw new IllegalArgumentException("txn branch '" + name + "' names key " + op.key()
                        + " more than once");
            }
        }
    }

    private Object submit(Request request) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            writer.enqueue(request);
        } finally {
            lifecycle.readLock().unlock();
        }
        try {
            // Not interruptible on purpose: an interrupted caller could not know whether its write happened.
            return request.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("write failed: " + e.getCause(), e.getCause());
        }
    }

    /** Called by the writer with records that are on disk: make them visible, then wake watches. */
    private void publish(List<WalRecord> records) {
        List<WatchEvent> events = new ArrayList<>();
        stateLock.writeLock().lock();
        try {
            for (WalRecord record : records) {
                events.clear();
                committed.apply(record, events);
                history.append(events);
            }
            revision = committed.revision();
        } finally {
            stateLock.writeLock().unlock();
        }
        wakeWatches();
    }

    /** The writer's working state, equal to the committed one: at start, and after a batch failed to be written. */
    private KvState workingCopy() {
        stateLock.readLock().lock();
        try {
            return committed.metadataCopy();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    private SnapshotFile.Image captureImage() {
        stateLock.readLock().lock();
        try {
            return SnapshotFile.capture(committed);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /**
     * Empty while writes succeed. After a write failed for want of space, the disk must have room
     * for that write again (with 64 KiB to spare); then a probe (an empty log record) checks that
     * the log takes writes, so health turns good as soon as space is back, without a write of a caller.
     */
    @Override
    public Optional<StoreException> writeFailure() {
        if (closed) {
            return Optional.of(new StoreClosedException("state store " + dir + " is closed"));
        }
        StoreException failure = writer.failure();
        if (failure == null) {
            return Optional.empty();
        }
        if (failure instanceof StoreFullException) {
            long free = StoreFullException.freeBytes(dir);
            if (free >= 0 && free < writer.failedBytes() + (64 << 10)) {
                return Optional.of(new StoreFullException(dir, free, null));
            }
        }
        try {
            submit(new Request.Probe());
            return Optional.empty();
        } catch (StoreException e) {
            return Optional.of(e);
        }
    }

    // ---- watches -----------------------------------------------------------------------------

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        Keys.requireValidPrefix(prefix);
        Objects.requireNonNull(listener, "listener");
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must be >= 0, was " + fromRevision);
        }
        ensureOpen();
        long start;
        stateLock.readLock().lock();
        try {
            if (fromRevision == 0) {
                start = committed.revision() + 1;
            } else if (fromRevision < history.oldestRevision()) {
                throw new CompactedException(fromRevision, history.oldestRevision());
            } else {
                start = fromRevision;
            }
        } finally {
            stateLock.readLock().unlock();
        }
        WatchRunner watch = new WatchRunner(this, prefix, start, listener);
        watch.start(watchIds.incrementAndGet());
        return watch;
    }

    @Override
    public History.Scan scan(long from, String prefix) {
        stateLock.readLock().lock();
        try {
            if (from < history.oldestRevision()) {
                throw new CompactedException(from, history.oldestRevision());
            }
            return history.scan(from, prefix, 256);
        } finally {
            stateLock.readLock().unlock();
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
        return dir.toString();
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("state store " + dir + " is closed");
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lifecycle.writeLock().unlock();
        }
        if (leaseTimer != null) {
            leaseTimer.shutdownNow();
        }
        writer.stopAndJoin();
        finished = true;
        wakeWatches(); // they deliver what is committed, then report the close
        try {
            lock.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "releasing the lock of state store " + dir + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedStateStore[" + dir + ", revision " + revision + "]";
    }
}
