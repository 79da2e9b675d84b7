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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An image's layers fetched into the {@link BlobCache} a few at a time, in manifest order, so the
 * puller can apply layer {@code i} while later ones still download. Closing cancels what is left.
 */
final class LayerDownloads implements AutoCloseable {
    /** Downloads at once: what docker and containerd use by default. */
    static final int PARALLEL = 3;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService pool;
    private final List<Future<Path>> blobs = new ArrayList<>();

    LayerDownloads(BlobCache cache, ImageSource source, List<Descriptor> layers) {
        this.pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, layers.size())), r -> {
            Thread t = new Thread(r, "oci-download-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (Descriptor d : layers) {
            blobs.add(pool.submit(() -> cache.fetch(d, source)));
        }
    }

    /** The verified blob of layer {@code i}, once it is in the cache. */
    Path await(int i) throws IOException {
        try {
            return blobs.get(i).get();
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
