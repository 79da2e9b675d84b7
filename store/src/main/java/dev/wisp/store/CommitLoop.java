package dev.wisp.store;

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
 */
final class CommitLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger("dev.wisp.store");
    private static final int MAX_BATCH = 256;

    /** Receives durable records, in order, to apply to the state readers see. */
    interface Publisher {
        void publish(List<WalRecord> records);
    }

    private final Path dir;
    private final KvState working;
    private final WalWriter wal;
    private final InstantSource clock;
    private final long rotationBytes;
    private final Publisher publisher;
    private final Supplier<SnapshotFile.Image> committedImage;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final ExecutorService snapshotter;
    private final Thread thread;
    private Future<?> snapshot;
    /** Set when the log could not be written: the working state is then ahead of the disk for good. */
    private volatile StoreException broken;

    CommitLoop(Path dir, KvState working, WalWriter wal, EmbeddedOptions options, Publisher publisher,
               Supplier<SnapshotFile.Image> committedImage) {
        this.dir = dir;
        this.working = working;
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
        queue.add(new Request.Stop());
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
                    stop |= r instanceof Request.Stop;
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
                if (!records.isEmpty() && broken == null) {
                    try {
                        wal.append(frames);
                    } catch (IOException | RuntimeException e) {
                        broken = new StoreException("writing the store log in " + dir
                                + " failed; writes are refused until the store is reopened", e);
                        LOG.log(Level.ERROR, broken.getMessage(), e);
                    }
                }
                if (broken != null) {
                    batch.forEach(r -> r.done.completeExceptionally(broken));
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
            StoreException end = broken != null ? broken : new StoreClosedException("state store " + dir + " is closed");
            batch.forEach(r -> r.done.completeExceptionally(end));
            queue.forEach(r -> r.done.completeExceptionally(end));
        }
    }

    /** Between batches the working and committed states are equal, so the snapshot may come from either. */
    private void maybeRotate() {
        if (wal.size() < rotationBytes || (snapshot != null && !snapshot.isDone())) {
            return;
        }
        long seq;
        try {
            seq = wal.rotate();
        } catch (IOException e) {
            broken = new StoreException("starting a new log segment in " + dir + " failed; reopen the store", e);
            LOG.log(Level.ERROR, broken.getMessage(), e);
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
