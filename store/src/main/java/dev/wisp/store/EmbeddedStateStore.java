package dev.wisp.store;

import dev.wisp.common.DiskSpace;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The single-node {@link StateStore}: the {@link CommittedState} in memory; writes go through the
 * {@link CommitLoop}, which makes them durable before they become visible; the
 * {@link LeaseExpiryTimer} revokes leases past their deadline. This class checks arguments, hands
 * writes to the loop and waits for them, and ties the parts' lifecycles together.
 */
final class EmbeddedStateStore implements StateStore {

    private static final System.Logger LOG = System.getLogger("dev.wisp.store");

    private final Path dir;
    private final DirLock lock;
    private final CommittedState committed;

    /** Writers hold it shared while enqueueing, close() exclusively, so nothing is enqueued after Stop. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

    private volatile boolean closed;

    private final CommitLoop writer;
    private final LeaseExpiryTimer leaseTimer;
    private final AtomicLong watchIds = new AtomicLong();

    private EmbeddedStateStore(
            Path dir, EmbeddedOptions options, DirLock lock, Recovery.Result recovered, WalWriter wal) {
        this.dir = dir;
        this.lock = lock;
        this.committed = new CommittedState(dir.toString(), recovered);
        this.writer =
                new CommitLoop(dir, committed::workingCopy, wal, options, committed::publish, committed::captureImage);
        this.leaseTimer = new LeaseExpiryTimer(
                options.leaseCheckInterval(), options.clock(), committed, this::expireDueLeases, dir.toString());
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
        leaseTimer.start();
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public Optional<KeyValue> get(String key) {
        Keys.requireValidKey(key);
        ensureOpen();
        return committed.get(key);
    }

    @Override
    public RangeResult range(String prefix) {
        Keys.requireValidPrefix(prefix);
        ensureOpen();
        return committed.range(prefix);
    }

    @Override
    public long revision() {
        ensureOpen();
        return committed.revision();
    }

    // ---- writes ------------------------------------------------------------------------------

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        var txn = new StoreArguments.Txn(compares, then, otherwise);
        return (TxnResult) submit(Request.txn(txn.compares(), txn.then(), txn.otherwise()));
    }

    @Override
    public boolean delete(String key) {
        Keys.requireValidKey(key);
        return (Boolean) submit(Request.delete(key));
    }

    @Override
    public void compact(long rev) {
        ensureOpen();
        committed.compact(rev);
    }

    @Override
    public long grantLease(Duration ttl) {
        StoreArguments.requireValidTtl(ttl);
        return (Long) submit(Request.grant(ttl.toMillis()));
    }

    @Override
    public void keepAlive(long leaseId) {
        submit(Request.keepAlive(leaseId));
    }

    @Override
    public boolean revokeLease(long leaseId) {
        return (Boolean) submit(Request.revoke(leaseId));
    }

    /** Revokes leases whose deadline has passed by the clock; returns how many. The timer calls this too. */
    int expireDueLeases() {
        return (Integer) submit(Request.expireDue());
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
            long free = DiskSpace.freeBytes(dir);
            if (free >= 0 && free < writer.failedBytes() + (64 << 10)) {
                return Optional.of(new StoreFullException(dir, free, null));
            }
        }
        try {
            submit(Request.probe());
            return Optional.empty();
        } catch (StoreException e) {
            return Optional.of(e);
        }
    }

    // ---- watches -----------------------------------------------------------------------------

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        StoreArguments.requireValidWatch(prefix, fromRevision, listener);
        ensureOpen();
        long start = committed.watchStart(fromRevision);
        WatchRunner watch = new WatchRunner(committed, prefix, start, listener);
        watch.start(watchIds.incrementAndGet());
        return watch;
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
        leaseTimer.stop();
        writer.stopAndJoin();
        committed.finish(); // watches deliver what is committed, then report the close
        try {
            lock.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "releasing the lock of state store " + dir + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedStateStore[" + dir + ", revision " + committed.revision() + "]";
    }
}
