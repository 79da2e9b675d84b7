package dev.wisp.runtime;

import java.nio.file.Path;

/**
 * A warm template: an image booted once until its app was ready, then saved with its RAM in a
 * file. Clones start from it in the time it takes to load device state and fault in the pages
 * they touch, instead of booting a kernel: Wisp's answer to cold starts (the way Lambda
 * SnapStart starts Java functions from a snapshot of an initialised JVM).
 */
public record Template(String name, Snapshot snapshot) {
    /** @throws VmException if {@code snapshot} is not a template with its RAM saved */
    public Template {
        if (snapshot.kind() != Snapshot.Kind.TEMPLATE || snapshot.memoryFile().isEmpty()) {
            throw new VmException("snapshot at " + snapshot.directory() + " is not a template");
        }
    }

    public Path directory() {
        return snapshot.directory();
    }

    @Override
    public String toString() {
        return "Template[" + name + " " + snapshot.directory() + "]";
    }
}
