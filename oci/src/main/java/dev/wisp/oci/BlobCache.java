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
        Path target = path(d.digest());
        if (Files.isRegularFile(target) && Files.size(target) == d.size()) {
            hits.incrementAndGet();
            return target;
        }
        Path part = Files.createTempFile(tmp, d.digest().hex().substring(0, 12) + "-", ".part");
        boolean done = false;
        try {
            MessageDigest md = Digest.sha256();
            long n = 0;
            byte[] buf = new byte[64 << 10];
            try (InputStream in = source.blob(d);
                    OutputStream out = Files.newOutputStream(part)) {
                int r;
                // one byte past the size is enough to know the blob is too long
                while (n <= d.size() && (r = in.read(buf, 0, (int) Math.min(buf.length, d.size() + 1 - n))) > 0) {
                    md.update(buf, 0, r);
                    out.write(buf, 0, r);
                    n += r;
                }
            }
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
        } finally {
            if (!done) {
                Files.deleteIfExists(part);
            }
        }
    }
}
