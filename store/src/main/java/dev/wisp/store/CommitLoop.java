package dev.wisp.store;

import dev.wisp.common.DiskSpace;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The single writer, with group commit: it takes every request waiting in the queue, decides them
 * in order against the working state, appends all their records and forces the log once, then
 * publishes them to readers and acknowledges them. Concurrent writers thus share one fsync, and no
 * reader or watcher ever sees a write that a crash could still take back.
 *
 * <p>It also rotates the log: once the current segment is large, it starts a new one and has a
 * background thread write a snapshot, after which the older segments are deleted.
 *
 * <p>A batch whose append fails (a full disk) is refused as a whole: the log is cut back to its
 * last whole record and the working state is copied again from the committed one, so the store is
 * as it was before the batch and the next write tries again; nothing needs reopening.
 */
final class CommitLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger("dev.wisp.store");
    private static final int MAX_BATCH = 256;

    /** Receives durable records, in order, to apply to the state readers see. */
    interface Publisher {
        void publish(List<WalRecord> records);
    }

    private final Path dir;
    /** Replaced by a fresh copy of the committed state when a batch could not be written. */
    private KvState working;

    private final Supplier<KvState> committedCopy;
    private final WalWriter wal;
    private final InstantSource clock;
    private final long rotationBytes;
    private final Publisher publisher;
    private final Supplier<SnapshotFile.Image> committedImage;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final ExecutorService snapshotter;
    private final Thread thread;
    private Future<?> snapshot;
    /** Set when the store cannot go on (the log could not be cut back, or a bug): reopening is the way out. */
    private volatile StoreException broken;
    /** Why the latest append failed, until one succeeds: what health reports. */
    private volatile StoreException lastFailure;
    /** How many bytes that append tried to write. */
    private volatile long lastFailedBytes;

    CommitLoop(
            Path dir,
            Supplier<KvState> committedCopy,
            WalWriter wal,
            EmbeddedOptions options,
            Publisher publisher,
            Supplier<SnapshotFile.Image> committedImage) {
        this.dir = dir;
        this.committedCopy = committedCopy;
        this.working = committedCopy.get();
        this.wal = wal;
        this.clock = options.clock();
        this.rotationBytes = options.logRotationBytes();
        this.publisher = publisher;
        this.committedImage = committedImage;
        this.snapshotter = Executors.newSingleThreadExecutor(r -> daemon(r, "wisp-store-snapshot"));
        this.thread = daemon(this, "wisp-store-writer");
    }

    void start() {
        thread.start();
    }

    /** Why writes fail now, or null: the store is broken, or the latest append failed and none has succeeded since. */
    StoreException failure() {
        StoreException b = broken;
        return b != null ? b : lastFailure;
    }

    /** The size of the append that failed last (0 if none did). */
    long failedBytes() {
        return lastFailure == null ? 0 : lastFailedBytes;
    }

    void enqueue(Request request) {
        StoreException b = broken;
        if (b != null) {
            throw b;
        }
        if (!thread.isAlive()) {
            throw new StoreClosedException("state store " + dir + " has stopped writing");
        }
        queue.add(request);
    }

    /** Writes everything queued so far, then stops; waits for a running snapshot too. */
    void stopAndJoin() {
        queue.add(Request.stop());
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish closing; the files must be left consistent
            }
        }
        snapshotter.shutdown();
        try {
            if (!snapshotter.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.log(Level.WARNING, "store snapshot still running at close");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        List<Request> batch = new ArrayList<>();
        List<WalRecord> records = new ArrayList<>();
        List<ByteBuffer> frames = new ArrayList<>();
        boolean stop = false;
        try {
            while (!stop) {
                batch.clear();
                records.clear();
                frames.clear();
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                long now = clock.millis();
                Object[] results = new Object[batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    Request r = batch.get(i);
                    stop |= r.isStop();
                    if (broken != null) {
                        r.done.completeExceptionally(broken);
                        continue;
                    }
                    try {
                        results[i] = r.propose(working, now, record -> {
                            try {
                                working.apply(record, null);
                            } catch (RuntimeException e) {
                                broken = new StoreException("internal error deciding a write; reopen the store", e);
                                throw broken;
                            }
                            records.add(record);
                            frames.add(WalCodec.frame(record));
                        });
                    } catch (RuntimeException e) {
                        r.done.completeExceptionally(e); // validation failed before anything was emitted
                    }
                }
                StoreException refused = null;
                if (!records.isEmpty() && broken == null) {
                    try {
                        wal.append(frames);
                        lastFailure = null;
                    } catch (WalWriter.TailDamagedException e) {
                        broken = new StoreException(
                                "writing the store log in " + dir + " failed and the partial record "
                                        + "could not be removed; writes are refused until the store is reopened",
                                e);
                        LOG.log(Level.ERROR, broken.getMessage(), e);
                    } catch (IOException e) {
                        refused = appendFailed(e, frames);
                    } catch (RuntimeException e) {
                        broken = new StoreException(
                                "writing the store log in " + dir
                                        + " failed; writes are refused until the store is reopened",
                                e);
                        LOG.log(Level.ERROR, broken.getMessage(), e);
                    }
                }
                if (broken != null) {
                    batch.forEach(r -> r.done.completeExceptionally(broken));
                    continue;
                }
                if (refused != null) {
                    StoreException why = refused;
                    batch.forEach(r -> r.done.completeExceptionally(why));
                    continue;
                }
                if (!records.isEmpty()) {
                    try {
                        publisher.publish(List.copyOf(records));
                    } catch (RuntimeException e) {
                        broken = new StoreException("internal error applying durable writes; reopen the store", e);
                        LOG.log(Level.ERROR, broken.getMessage(), e);
                        batch.forEach(r -> r.done.completeExceptionally(broken));
                        continue;
                    }
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done.complete(results[i]); // no-op for the ones that failed
                }
                maybeRotate();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                wal.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the store log failed", e);
            }
            StoreException end =
                    broken != null ? broken : new StoreClosedException("state store " + dir + " is closed");
            batch.forEach(r -> r.done.completeExceptionally(end));
            queue.forEach(r -> r.done.completeExceptionally(end));
        }
    }

    /**
     * The log is back at its last whole record; the working state, which ran ahead with this
     * batch, is taken again from the committed state. Every request of the batch is refused, also
     * those that wrote nothing: they were decided against records that are now gone.
     */
    private StoreException appendFailed(IOException e, List<ByteBuffer> frames) {
        working = committedCopy.get();
        long bytes = 0;
        for (ByteBuffer f : frames) {
            bytes += f.capacity();
        }
        StoreException why;
        if (StoreFullException.isFullDisk(e, dir)) {
            why = new StoreFullException(dir, DiskSpace.freeBytes(dir), e);
        } else {
            why = new StoreException(
                    "writing " + bytes + " bytes to the store log in " + dir + " failed (" + e
                            + "); the write was not made and the log is intact: retry",
                    e);
        }
        if (lastFailure == null) {
            LOG.log(Level.ERROR, why.getMessage() + " (" + bytes + " bytes to append)", e);
        }
        lastFailedBytes = bytes;
        lastFailure = why;
        return why;
    }

    /** Between batches the working and committed states are equal, so the snapshot may come from either. */
    private void maybeRotate() {
        if (wal.size() < rotationBytes || (snapshot != null && !snapshot.isDone())) {
            return;
        }
        long seq;
        try {
            seq = wal.rotate();
        } catch (WalWriter.TailDamagedException e) {
            broken = new StoreException("starting a new log segment in " + dir + " failed; reopen the store", e);
            LOG.log(Level.ERROR, broken.getMessage(), e);
            return;
        } catch (IOException e) {
            // Appending goes on in the current segment; the next batch tries again.
            LOG.log(Level.WARNING, "starting a new log segment in " + dir + " failed: " + e);
            return;
        }
        SnapshotFile.Image image = committedImage.get();
        snapshot = snapshotter.submit(() -> {
            try {
                SnapshotFile.write(StoreFiles.snapshot(dir, seq), image);
                deleteBefore(seq);
            } catch (IOException | RuntimeException e) {
                // Harmless for durability: the old segments stay and the next rotation tries again.
                LOG.log(Level.WARNING, "writing store snapshot " + seq + " in " + dir + " failed", e);
            }
        });
    }

    private void deleteBefore(long seq) throws IOException {
        for (long s : StoreFiles.segments(dir)) {
            if (s < seq) {
                Files.deleteIfExists(StoreFiles.segment(dir, s));
            }
        }
        for (long s : StoreFiles.snapshots(dir)) {
            if (s < seq) {
                Files.deleteIfExists(StoreFiles.snapshot(dir, s));
            }
        }
        StoreFiles.syncDirectory(dir);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
