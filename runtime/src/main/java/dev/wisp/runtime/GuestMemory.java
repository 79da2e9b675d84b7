package dev.wisp.runtime;

import java.nio.file.Path;

/**
 * Where a guest's RAM lives. A driver maps it as said here and keeps the RAM's name the same in
 * every mode, so that a state saved in one mode loads in another.
 *
 * <p><b>Internal: used by the drivers, not an API for other modules.</b>
 */
public sealed interface GuestMemory {
    /** Anonymous memory: a plain VM. */
    record Anonymous() implements GuestMemory {}

    /** A file mapped shared: the guest writes straight into it (a template while it warms up). */
    record SharedFile(Path file) implements GuestMemory {}

    /** A file mapped private: pages load lazily on first touch and writes stay in this VM (a clone). */
    record PrivateFile(Path file) implements GuestMemory {}

    /** Whether RAM comes from a file the VM maps rather than from the saved state. */
    default boolean loadsFromFile() {
        return !(this instanceof Anonymous);
    }
}
