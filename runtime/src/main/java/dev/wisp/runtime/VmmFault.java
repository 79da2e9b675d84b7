package dev.wisp.runtime;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure of the host (the VMM process could not be started, or was killed from outside)
 * from one of the guest, for {@link InstanceFailedException#hostFault()}. A guest cannot have its
 * VMM killed: a panicking guest makes QEMU exit on its own, a snapshot QEMU rejects makes it exit
 * with an error (or abort), while kill -9, the OOM killer or a jail's memory limit end it by
 * SIGKILL, a shutdown by SIGTERM. A crash of QEMU itself (SIGSEGV, SIGABRT) is not counted: it may
 * be what the snapshot or guest does to it, and trying again would crash again.
 */
final class VmmFault {
    /** How long to wait for a VMM whose control socket broke to be reaped, to read its exit. */
    static final long EXIT_WAIT_MILLIS = 2_000;

    private VmmFault() {}

    /**
     * Whether the host, not the guest, caused a failure. {@code launching}: the VMM was being
     * started or loaded, so the guest had not run yet; then a VMM that never came up (no handle)
     * is the host's too.
     */
    static boolean ofHost(VmHandle h, Throwable cause, boolean launching) {
        if (h == null) {
            return launching;
        }
        return killedBySignal(h.isAlive(), h.exited(), cause instanceof IOException);
    }

    /**
     * Whether a VMM was killed (SIGKILL, SIGTERM), from its liveness and {@code exited} (its exit code once it
     * ended); waits a moment for one whose socket broke (it may not be reaped yet).
     */
    static boolean killedBySignal(boolean alive, CompletableFuture<Integer> exited, boolean socketBroke) {
        if (alive && !socketBroke) {
            return false;
        }
        try {
            int code = exited.get(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return killedFromOutside(code);
        } catch (TimeoutException | ExecutionException e) {
            return false; // still running: it answered wrongly, it was not killed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ended by SIGKILL or SIGTERM: a process ended by signal N exits, as Java reports it, with 128 + N. */
    static boolean killedFromOutside(int exitCode) {
        return exitCode == 128 + 9 || exitCode == 128 + 15;
    }
}
