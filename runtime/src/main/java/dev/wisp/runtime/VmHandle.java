package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One running VMM process, as a {@link Vmm} driver hands it to an {@link Instance}. All calls
 * block until the VMM has done the thing; none changes instance state (the Instance does).
 */
public interface VmHandle {
    /** Stops the vCPUs; the process and its memory stay. */
    void pause() throws IOException;

    /** Starts the vCPUs again. */
    void resume() throws IOException;

    /**
     * Writes the VM's device state (and its RAM, unless the RAM is already in a shared file) to
     * {@code stateFile}; of RAM mapped privately from a file (a clone), only the pages that
     * differ from that file. The VM must be paused; it stays paused.
     */
    SnapshotFiles saveState(Path stateFile) throws IOException;

    /**
     * Loads a saved state into a VMM started with {@link Vmm#startIncoming}; the VM is left
     * paused. A stream whose size or checksum differs from {@code expected} fails the load.
     */
    void loadState(Path stateFile, SnapshotFiles expected) throws IOException;

    /** Sends console output to a new owner (for a VMM that was started ahead, in a pool). */
    void attach(java.util.function.Consumer<ConsoleMarker> markers, java.util.function.Consumer<String> lines);

    /** Types one line into the guest's console. */
    void typeIntoConsole(String line) throws IOException;

    /** The last lines the console showed (guest output and the VMM's own errors). */
    List<String> consoleTail();

    /** Asks the VMM to exit, then kills it if it has not within {@code grace}. */
    void stop(Duration grace);

    /** Kills the process at once. */
    void kill();

    boolean isAlive();

    /** Completes with the exit code when the process ends, however it ends. */
    CompletableFuture<Integer> exited();

    /** OS process id of the VMM. */
    long pid();

    /** What a saved state file holds: its size and CRC32C. */
    record SnapshotFiles(long stateBytes, long stateCrc32c) { }
}
