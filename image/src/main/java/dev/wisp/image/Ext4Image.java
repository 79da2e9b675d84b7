package dev.wisp.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds a read-only app disk with {@code mkfs.ext4 -d}, as reproducibly as e2fsprogs allows. */
final class Ext4Image {
    private Ext4Image() {
    }

    /**
     * @param source the folder to copy into the file system's root
     * @param seed 32 hex digits that fix the UUID and directory hash seed, so the same content
     *     gives the same disk
     */
    static void build(Path source, Path image, String seed) {
        long content = Files2.treeSize(source);
        // Room for metadata and small files' block rounding; ext4 needs a few MiB at least.
        long size = roundUp(content + content / 4 + (16L << 20), 1L << 20);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String uuid = seed.substring(0, 8) + "-" + seed.substring(8, 12) + "-" + seed.substring(12, 16) + "-"
                + seed.substring(16, 20) + "-" + seed.substring(20, 32);
        Commands.run("mkfs.ext4", null,
                Map.of("E2FSPROGS_FAKE_TIME", "1", "SOURCE_DATE_EPOCH", "1", "MKE2FS_CONFIG", "/etc/mke2fs.conf"),
                List.of("mkfs.ext4", "-q", "-F", "-t", "ext4", "-L", "wisp-app", "-U", uuid, "-m", "0",
                        "-E", "hash_seed=" + uuid + ",root_owner=0:0,lazy_itable_init=0",
                        "-O", "^has_journal", "-d", source.toString(), image.toString()));
    }

    private static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }
}
