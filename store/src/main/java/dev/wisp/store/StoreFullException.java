package dev.wisp.store;

import dev.wisp.common.DiskSpace;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A write was refused because the disk holding the store is full. Nothing of it was kept: the log
 * was cut back to its last whole record, so the same write succeeds once space is freed, without
 * reopening the store.
 */
public final class StoreFullException extends StoreException {
    /** Below this much free space a failed write is taken for a full disk even without ENOSPC's text. */
    private static final long NEARLY_FULL_BYTES = 1 << 20;

    private final transient Path directory;
    private final long freeBytes;

    StoreFullException(Path directory, long freeBytes, Throwable cause) {
        super(
                "no space left on device for the state store in " + directory + " (" + freeBytes
                        + " bytes free); the write was not made: free space and retry",
                cause);
        this.directory = directory;
        this.freeBytes = freeBytes;
    }

    /** The store's directory, on the disk that is full. */
    public Path directory() {
        return directory;
    }

    /** Free bytes on that disk when the write failed (for an unprivileged user), -1 if unknown. */
    public long freeBytes() {
        return freeBytes;
    }

    /** Whether {@code e}, raised while writing in {@code dir}, means the disk (or the user's quota) is full. */
    static boolean isFullDisk(IOException e, Path dir) {
        if (DiskSpace.isNoSpace(e)) {
            return true;
        }
        long free = DiskSpace.freeBytes(dir);
        return free >= 0 && free < NEARLY_FULL_BYTES;
    }
}
