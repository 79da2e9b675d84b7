package dev.wisp.oci;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjLongConsumer;

/**
 * An image's layers fetched a few at a time, in manifest order, so the puller unpacks layer {@code
 * i} while later ones still download. The layer being unpacked streams from the source as it is
 * unpacked (written to the {@link BlobCache} on the way) unless a download of it has started
 * already; the rest are fetched ahead into the cache. Closing cancels what is left.
 */
final class LayerDownloads implements AutoCloseable {
    /** Downloads at once, the streamed one included: what docker and containerd use by default. */
    static final int PARALLEL = 3;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final BlobCache cache;
    private final ImageSource source;
    private final List<Descriptor> layers;
    private final ObjLongConsumer<String> times;
    private final ExecutorService pool;
    private final List<Future<Path>> ahead = new ArrayList<>();
    /** Whether a download of layer i has started, here or ahead: whoever sets it first fetches the layer. */
    private final List<AtomicBoolean> claimed = new ArrayList<>();

    /** @param times told how long each blob fetched ahead took ({@code download}) */
    LayerDownloads(BlobCache cache, ImageSource source, List<Descriptor> layers, ObjLongConsumer<String> times) {
        this.cache = cache;
        this.source = source;
        this.layers = List.copyOf(layers);
        this.times = times;
        // the first layer streams into its unpacking: the others are fetched ahead
        this.pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL - 1, layers.size() - 1)), r -> {
            Thread t = new Thread(r, "oci-download-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < this.layers.size(); i++) {
            claimed.add(new AtomicBoolean(i == 0));
        }
        ahead.add(null);
        for (int i = 1; i < this.layers.size(); i++) {
            Descriptor d = this.layers.get(i);
            AtomicBoolean claim = claimed.get(i);
            ahead.add(pool.submit(() -> {
                if (!claim.compareAndSet(false, true)) {
                    return null; // the unpacking streams it
                }
                long t0 = System.nanoTime();
                Path blob = cache.fetch(d, source);
                times.accept("download", System.nanoTime() - t0);
                return blob;
            }));
        }
    }

    /**
     * Layer {@code i}: streamed from the source if no download of it has started (the one queued
     * then does nothing), else read from the cache once its download is done.
     */
    BlobCache.Reader open(int i) throws IOException {
        Future<Path> f = ahead.get(i);
        if (f == null || claimed.get(i).compareAndSet(false, true)) {
            return cache.open(layers.get(i), source);
        }
        long t0 = System.nanoTime();
        Path blob = await(f);
        times.accept("download-wait", System.nanoTime() - t0);
        return cache.cached(layers.get(i), blob);
    }

    private static Path await(Future<Path> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading layers");
        } catch (CancellationException e) {
            throw new InterruptedIOException("layer download cancelled");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(c);
        }
    }

    @Override
    public void close() {
        // a failed pull stops the rest; a partial blob is deleted by the fetch that wrote it
        pool.shutdownNow();
    }
}
