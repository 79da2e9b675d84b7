package dev.wisp.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Blobs (layers, configs) stored by digest under {@code DIR/blobs/sha256/HEX}, shared by every image
 * pulled through it. A blob is written under {@code DIR/tmp} and moved into place only once its size
 * and sha256 match, so a reader never sees a half-written or wrong blob.
 */
public final class BlobCache {
    private final Path blobs;
    private final Path tmp;
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    public BlobCache(Path dir) {
        this.blobs = dir.resolve("blobs").resolve("sha256");
        this.tmp = dir.resolve("tmp");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new OciException("cannot create blob cache under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Where the blob with this digest lives (whether or not it is there yet). */
    public Path path(Digest digest) {
        return blobs.resolve(digest.hex());
    }

    /** Blobs fetched from a source since this cache was opened. */
    public long downloads() {
        return downloads.get();
    }

    /** Blobs asked for that were already here. */
    public long hits() {
        return hits.get();
    }

    /** The verified blob, from the cache or fetched from the source into it. */
    Path fetch(Descriptor d, ImageSource source) throws IOException {
        try (Reader r = open(d, source)) {
            return r.complete();
        }
    }

    /**
     * The blob as a stream: from the cache, or from the source, written to the cache as it is read
     * (so a layer unpacks while it downloads). Only {@link Reader#complete} puts a downloaded blob in
     * place, once its size and digest match; closing before that deletes what was written.
     */
    Reader open(Descriptor d, ImageSource source) throws IOException {
        Path target = path(d.digest());
        if (Files.isRegularFile(target) && Files.size(target) == d.size()) {
            hits.incrementAndGet();
            return new Reader(Files.newInputStream(target), d, source, target, null, null);
        }
        Path part = Files.createTempFile(tmp, d.digest().hex().substring(0, 12) + "-", ".part");
        try {
            return new Reader(source.blob(d), d, source, target, part, Files.newOutputStream(part));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
    }

    /** A blob fetched into the cache just now ({@link #fetch}), to read. */
    Reader cached(Descriptor d, Path blob) throws IOException {
        return new Reader(Files.newInputStream(blob), d, null, blob, null, null);
    }

    /** A blob being read; a download is hashed and written to the cache's tmp folder as it goes. */
    final class Reader extends InputStream {
        private final InputStream in;
        private final Descriptor d;
        private final ImageSource source;
        private final Path target;
        private final Path part;
        private final OutputStream out;
        private final MessageDigest md = Digest.sha256();
        private long n;
        private boolean done;

        private Reader(InputStream in, Descriptor d, ImageSource source, Path target, Path part, OutputStream out) {
            this.in = in;
            this.d = d;
            this.source = source;
            this.target = target;
            this.part = part;
            this.out = out;
            this.done = part == null;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (part == null) {
                return in.read(buf, off, len);
            }
            // one byte past the size is enough to know the blob is too long
            if (done || n > d.size()) {
                return -1;
            }
            int r = in.read(buf, off, (int) Math.min(len, d.size() + 1 - n));
            if (r > 0) {
                md.update(buf, off, r);
                out.write(buf, off, r);
                n += r;
            }
            return r;
        }

        /** Bytes of a download not read yet (0 for a blob already in the cache). */
        long remaining() {
            return done ? 0 : Math.max(0, d.size() - n);
        }

        /**
         * Reads what is left, checks size and digest, and moves a download into the cache.
         *
         * @return the blob's place in the cache
         * @throws OciException when the blob does not match its descriptor (the partial blob is deleted)
         */
        Path complete() throws IOException {
            if (done) {
                return target;
            }
            transferTo(OutputStream.nullOutputStream());
            out.close();
            Digest got = Digest.of(md);
            if (n != d.size() || !got.equals(d.digest())) {
                throw new OciException("blob " + d.digest() + " from " + source.describe() + " does not match: got "
                        + (n > d.size() ? "more than " + d.size() : String.valueOf(n)) + " bytes with digest " + got
                        + ", expected " + d.size() + " bytes with digest " + d.digest()
                        + "; the partial blob was deleted");
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cache tmp and blob directories are on different filesystems", e);
            }
            done = true;
            downloads.incrementAndGet();
            return target;
        }

        @Override
        public void close() throws IOException {
            try (in) {
                if (part != null) {
                    out.close();
                    if (!done) {
                        Files.deleteIfExists(part);
                    }
                }
            }
        }
    }
}
