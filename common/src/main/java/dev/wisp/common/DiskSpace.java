package dev.wisp.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free space on a disk, and telling a full disk (ENOSPC, EDQUOT) apart from other failures. */
public final class DiskSpace {
    private DiskSpace() {}

    /** Free bytes (for an unprivileged user) on the disk holding {@code path} or its nearest existing parent; -1 if unknown. */
    public static long freeBytes(Path path) {
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Files.getFileStore(p).getUsableSpace();
                } catch (IOException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Whether this one failure's message is the kernel's "No space left on device" or "Disk quota exceeded". */
    public static boolean isNoSpace(Throwable failure) {
        String m = String.valueOf(failure.getMessage());
        return m.contains("No space left on device") || m.contains("Disk quota exceeded");
    }
}
