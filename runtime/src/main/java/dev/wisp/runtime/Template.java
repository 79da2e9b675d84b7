package dev.wisp.runtime;

import java.nio.file.Path;

/**
 * A warm template: an image booted once until its app was ready, then saved with its RAM in a
 * file. Clones start from it in the time it takes to load device state and fault in the pages
 * they touch, instead of booting a kernel: Wisp's answer to cold starts (the way Lambda
 * SnapStart starts Java functions from a snapshot of an initialised JVM).
 */
public final class Template {
    private final String name;
    private final Snapshot snapshot;

    Template(String name, Snapshot snapshot) {
        if (snapshot.kind() != Snapshot.Kind.TEMPLATE || snapshot.memoryFile().isEmpty()) {
            throw new VmException("snapshot at " + snapshot.directory() + " is not a template");
        }
        this.name = name;
        this.snapshot = snapshot;
    }

    public String name() {
        return name;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Path directory() {
        return snapshot.directory();
    }

    @Override
    public String toString() {
        return "Template[" + name + " " + snapshot.directory() + "]";
    }
}
