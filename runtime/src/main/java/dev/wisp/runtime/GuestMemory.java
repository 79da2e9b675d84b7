package dev.wisp.runtime;

import java.nio.file.Path;

/**
 * Where a guest's RAM lives. The id {@code mem} is the same in every mode so that a migration
 * stream from one mode loads into another (QEMU matches RAM blocks by name).
 */
public sealed interface GuestMemory {
    String BACKEND_ID = "mem";

    /** Anonymous memory: a plain VM. */
    record Anonymous() implements GuestMemory { }

    /** A file mapped shared: the guest writes straight into it (a template while it warms up). */
    record SharedFile(Path file) implements GuestMemory { }

    /** A file mapped private: pages load lazily on first touch and writes stay in this VM (a clone). */
    record PrivateFile(Path file) implements GuestMemory { }

    /** QEMU's {@code -object} value for this memory. */
    default String qemuObject(int memoryMib) {
        String size = memoryMib + "M";
        return switch (this) {
            case Anonymous a -> "memory-backend-ram,id=" + BACKEND_ID + ",size=" + size;
            case SharedFile s -> "memory-backend-file,id=" + BACKEND_ID + ",size=" + size
                    + ",mem-path=" + s.file() + ",share=on";
            case PrivateFile p -> "memory-backend-file,id=" + BACKEND_ID + ",size=" + size
                    + ",mem-path=" + p.file() + ",share=off";
        };
    }

    /** Whether a snapshot may leave RAM out of the stream because it is already in a file. */
    default boolean inFile() {
        return this instanceof SharedFile;
    }

    /** Whether RAM comes from a file the VM maps rather than from the migration stream. */
    default boolean loadsFromFile() {
        return !(this instanceof Anonymous);
    }
}
