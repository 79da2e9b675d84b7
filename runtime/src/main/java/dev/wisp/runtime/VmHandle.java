package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One running VMM process, as a {@link Vmm} driver hands it to an {@link Instance}. All calls
 * block until the VMM has done the thing; none changes instance state (the Instance does). The
 * guest's console is not here: the driver connected it to the {@link Console} it was given.
 *
 * <p><b>Internal: used by the drivers, not an API for other modules.</b>
 */
public interface VmHandle {
    /** Stops the vCPUs; the process and its memory stay. */
    void pause() throws IOException;

    /** Starts the vCPUs again (or waits for the VMM's answer to a {@link #resumeSoon}). */
    void resume() throws IOException;

    /**
     * Sends the resume without waiting for the VMM's answer, for a caller that must not block;
     * {@link #resume} then waits for the answer. By default nothing is sent early and {@link
     * #resume} does it all.
     */
    default void resumeSoon() throws IOException {}

    /**
     * Writes the VM's device state (and its RAM, unless the RAM is already in a shared file) to
     * {@code stateFile}; of RAM mapped privately from a file (a clone), only the pages that
     * differ from that file. The VM must be paused; it stays paused.
     */
    SnapshotFiles saveState(Path stateFile) throws IOException;

    /**
     * Readies a VMM started with {@link Vmm#startIncoming} for {@link #loadState} (QEMU: its
     * migration capabilities set and its incoming socket listening), so that a pool does it while
     * the VMM waits and a wake does not. {@link #loadState} does it itself when it was not done.
     */
    default void prepareLoad() throws IOException {}

    /**
     * Loads a saved state into a VMM started with {@link Vmm#startIncoming}. The VM is left paused
     * if it was saved paused with its run state; a state saved without one (Wisp's VMMs save none)
     * starts the vCPUs at the load's end, and {@link #resume} is then answered at once. A stream
     * whose size or checksum differs from {@code expected} fails the load before its end.
     *
     * @return {@link System#nanoTime()} when the whole stream had been handed to the VMM (what
     *     follows is the VMM finishing the load), for the wake's timings
     */
    long loadState(Path stateFile, SnapshotFiles expected) throws IOException;

    /**
     * The guest has come up (booted, or restored and re-identified) and serves nothing yet: a VMM
     * may drop what only that took (QEMU under TCG: the code it translated on the way, most of an
     * idle VMM's own memory). Called before the instance takes requests; best effort, a VMM that
     * cannot keeps it. By default nothing.
     */
    default void settled() {}

    /** Asks the VMM to exit, then kills it if it has not within {@code grace}. */
    void stop(Duration grace);

    /** Kills the process at once and waits (briefly) until it is gone. */
    void kill();

    boolean isAlive();

    /**
     * Completes with the exit code when the process ends, however it ends: the same future on
     * every call (the driver takes it once from {@link VmmLauncher#exitOf}).
     */
    CompletableFuture<Integer> exited();

    /** OS process id of the VMM. */
    long pid();

    /**
     * Why the process died when its exit code does not say (killed for going over its memory
     * limit); empty when unknown or alive. Ask before {@link #kill}, which frees what tells.
     */
    default Optional<String> deathCause() {
        return Optional.empty();
    }
}
