package dev.wisp.store;

import java.nio.file.Path;

/** Opens {@link StateStore}s. */
public final class StateStores {

    private StateStores() {}

    /** {@link #embedded(Path, EmbeddedOptions)} with {@link EmbeddedOptions#defaults()}. */
    public static StateStore embedded(Path dir) {
        return embedded(dir, EmbeddedOptions.defaults());
    }

    /**
     * Opens (creating if needed) the embedded store kept in {@code dir}: state in memory, every
     * write appended to a checksummed log and forced to disk before it is acknowledged, so
     * acknowledged writes survive a crash or {@code kill -9}. Opening replays the log, dropping a
     * torn last record (a write that was never acknowledged).
     *
     * @throws StoreLockedException if another process, or this one, has the directory open
     * @throws StoreException if the directory cannot be read or its files are corrupt
     */
    public static StateStore embedded(Path dir, EmbeddedOptions options) {
        return EmbeddedStateStore.open(dir, options);
    }
}
