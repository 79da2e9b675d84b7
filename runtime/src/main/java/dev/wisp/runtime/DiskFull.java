package dev.wisp.runtime;

import dev.wisp.common.DiskSpace;
import java.nio.file.Path;

/**
 * Tells a full disk apart from other failures, so that a template or snapshot that ran out of room
 * says so with the path and the free bytes instead of "VMM exited".
 */
final class DiskFull {
    /** Below this, a VM whose RAM file lives there and died is taken to have died of the full disk. */
    static final long NEARLY_FULL_BYTES = 4L << 20;

    private DiskFull() {}

    static boolean nearlyFull(Path path) {
        long free = DiskSpace.freeBytes(path);
        return free >= 0 && free < NEARLY_FULL_BYTES;
    }

    /** Whether {@code e} (or what caused it) is ENOSPC or EDQUOT, or the disk at {@code path} is (nearly) full. */
    static boolean causedBy(Throwable e, Path path) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (DiskSpace.isNoSpace(t)) {
                return true;
            }
        }
        return nearlyFull(path);
    }

    /** {@link #describe} where {@code e} came of a full disk at {@code path}, else {@code e}'s message. */
    static String reason(Throwable e, String what, Path path) {
        return causedBy(e, path) ? describe(what, path) : e.getMessage();
    }

    /** "disk full: WHAT PATH (N bytes free on its disk)". */
    static String describe(String what, Path path) {
        return "disk full: " + what + " " + path + " (" + DiskSpace.freeBytes(path) + " bytes free on its disk)";
    }
}
