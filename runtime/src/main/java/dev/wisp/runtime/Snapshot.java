package dev.wisp.runtime;

import dev.wisp.common.FileTrees;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A VM saved to disk, as {@link SnapshotStore} keeps it: a device-state stream (with RAM inside
 * it, for a standby snapshot) or a device-state stream beside a memory file (a warm template,
 * whose clones map that file privately and load pages only when they touch them).
 *
 * @param directory   where its files live
 * @param kind        standby or template
 * @param spec        the VM it came from; a restore rebuilds the same machine
 * @param accelerator what it ran on; a snapshot only loads on the same
 * @param state       the device state and RAM (all of it if {@code memoryFile} is empty, else the
 *                    pages that differ from that file) with its checksum
 * @param memoryFile  the guest RAM file of a template; for a standby snapshot of a clone, its
 *                    template's file, which must outlive the snapshot
 * @param createdAt   when it was taken
 */
public record Snapshot(
        Path directory,
        Kind kind,
        VmSpec spec,
        Accelerator accelerator,
        SnapshotFiles state,
        Optional<Path> memoryFile,
        Instant createdAt) {
    static final String STATE_FILE = "state.bin";
    static final String MEMORY_FILE = "memory.bin";
    static final String META_FILE = "snapshot.json";

    /** What a snapshot is for. */
    public enum Kind {
        /** One instance put to sleep: restoring it brings that instance back. */
        STANDBY,
        /** A booted, ready guest from which any number of clones start. */
        TEMPLATE
    }

    Path stateFile() {
        return directory.resolve(STATE_FILE);
    }

    /** Bytes on disk: the state stream plus the blocks the memory file really uses. */
    public long diskBytes() {
        return FileTrees.diskUsage(directory);
    }
}
