package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells a full disk apart from other failures, so that a template or snapshot that ran out of room
 * says so with the path and the free bytes instead of "VMM exited".
 */
final class DiskFull {
    /** Below this, a VM whose RAM file lives there and died is taken to have died of the full disk. */
    static final long NEARLY_FULL_BYTES = 4L << 20;

    private DiskFull() {
    }

    /** Free bytes (for an unprivileged user) on the disk holding {@code path} or its nearest existing parent; -1 if unknown. */
    static long freeBytes(Path path) {
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

    static boolean nearlyFull(Path path) {
        long free = freeBytes(path);
        return free >= 0 && free < NEARLY_FULL_BYTES;
    }

    /** Whether {@code e} (or what caused it) is ENOSPC or EDQUOT, or the disk at {@code path} is (nearly) full. */
    static boolean causedBy(Throwable e, Path path) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
                return true;
            }
        }
        return nearlyFull(path);
    }

    /** "disk full: WHAT PATH (N bytes free on its disk)". */
    static String describe(String what, Path path) {
        return "disk full: " + what + " " + path + " (" + freeBytes(path) + " bytes free on its disk)";
    }
}
