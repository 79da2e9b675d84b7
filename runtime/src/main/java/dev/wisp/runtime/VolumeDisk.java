package dev.wisp.runtime;

import dev.wisp.common.HostCommands;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes a volume's disk file: a sparse file of the given size holding an empty ext4 file system. */
public final class VolumeDisk {
    /** The smallest volume: ext4 with a journal needs a few MiB of its own. */
    public static final long MIN_BYTES = 16L << 20;
    /** The largest volume one instance gets. */
    public static final long MAX_BYTES = 1L << 40;

    private VolumeDisk() {}

    /**
     * Creates {@code file} (which must not exist) as an ext4 file system of {@code bytes} bytes,
     * sparse (only what is written takes space), with its root owned by root and world-writable
     * with the sticky bit, like /tmp, so an app running as any user can write to it.
     *
     * @throws VmException on bad sizes or when mkfs.ext4 fails (the file is then removed)
     */
    public static void create(Path file, long bytes) {
        if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("volume size must be 16M..1T, was " + bytes + " bytes");
        }
        if (Files.exists(file)) {
            throw new VmException("volume file already exists: " + file);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(bytes);
            }
            Path dir = file.toAbsolutePath().getParent();
            HostCommands.run(
                    dir,
                    "mkfs.ext4",
                    "-q",
                    "-F",
                    "-t",
                    "ext4",
                    "-L",
                    "wisp-volume",
                    "-m",
                    "0",
                    "-E",
                    "root_owner=0:0,lazy_itable_init=1",
                    file.toString());
            // debugfs sets the root's mode without mounting (no root privilege needed).
            HostCommands.run(dir, "debugfs", "-w", "-R", "sif / mode 041777", file.toString());
        } catch (IOException e) {
            deleteQuietly(file);
            throw new VmException("cannot create volume " + file + ": " + oneLine(e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(file);
            throw new VmException("interrupted while creating volume " + file, e);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').strip();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the error being reported matters more
        }
    }
}
