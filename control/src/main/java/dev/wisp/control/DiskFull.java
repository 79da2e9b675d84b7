package dev.wisp.control;

import dev.wisp.common.DiskSpace;
import dev.wisp.store.StoreFullException;
import java.io.IOException;
import java.nio.file.Path;

/** Recognises a full disk behind a failure and turns it into the API's 507 {@code insufficient_storage}. */
final class DiskFull {
    private DiskFull() {}

    /** The 507 for {@code failure} if a full disk caused it (the store's, or an I/O error at {@code where}), else null. */
    static ApiException find(Throwable failure, Path where) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StoreFullException full) {
                return new ApiException(507, "insufficient_storage", full.getMessage());
            }
            if (t instanceof IOException io && DiskSpace.isNoSpace(io) && where != null) {
                return at(where);
            }
        }
        return null;
    }

    /** The 507 for a write at {@code where} that found no room. */
    static ApiException at(Path where) {
        return new ApiException(
                507,
                "insufficient_storage",
                "no space left on device for " + where + " (" + DiskSpace.freeBytes(where)
                        + " bytes free); nothing was kept: free space on that disk and retry");
    }
}
