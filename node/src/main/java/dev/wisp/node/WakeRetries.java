package dev.wisp.node;

import dev.wisp.autoscaler.WakePath;
import dev.wisp.runtime.InstanceFailedException;

/**
 * Which failed wakes are tried again at once, and by which path. A wake that failed for a reason
 * of the host (its VMM could not be started or reached, or was killed: {@link
 * InstanceFailedException#hostFault()}) says nothing about the app, so it is tried again while
 * its requests wait, at most {@link #MAX_RETRIES} times, and is no failed start of the app. A
 * failure of the guest or the app goes to the crash-loop back-off ({@link StartOutcomes}) at once.
 */
final class WakeRetries {
    /**
     * Tries after the first, per wake: enough for a VMM killed or slow to start on a loaded host,
     * few enough that a host which cannot start VMMs fails the requests with its reason well
     * before their queue timeout (each try may wait out the VMM's 10 s start).
     */
    static final int MAX_RETRIES = 2;

    private WakeRetries() {}

    /** Whether {@code e} is the host's failure, not the guest's or the app's. */
    static boolean hostFault(RuntimeException e) {
        return e instanceof InstanceFailedException f && f.hostFault();
    }

    /** Whether a wake that failed with {@code e} after {@code retried} retries is tried again. */
    static boolean retry(RuntimeException e, int retried) {
        return hostFault(e) && withinBound(retried);
    }

    /** Whether a wake tried again {@code retried} times may be tried once more. */
    static boolean withinBound(int retried) {
        return retried < MAX_RETRIES;
    }

    /**
     * The best path left after {@code failed} failed for a host reason: a kept snapshot is
     * restored again, a paused instance's memory went with its VMM (so it is cloned or booted
     * afresh), a clone is cloned again and a boot booted again.
     */
    static WakePath next(WakePath failed, boolean snapshotKept, boolean templateReady) {
        if (failed == WakePath.COLD_BOOT) {
            return WakePath.COLD_BOOT;
        }
        if (failed == WakePath.RESTORE_SNAPSHOT && snapshotKept) {
            return WakePath.RESTORE_SNAPSHOT;
        }
        return templateReady ? WakePath.CLONE_TEMPLATE : WakePath.COLD_BOOT;
    }
}
