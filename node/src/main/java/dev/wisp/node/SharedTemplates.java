package dev.wisp.node;

import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmException;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Warm templates shared by every service whose VM is the same ({@link StandbyManifest#digest}):
 * one boot and one memory file for all of them. A thousand services of one image then cost one
 * template, their clones share its pages in the page cache, and a standby snapshot of any of
 * them holds only the pages that differ from it (about 1 MB instead of the guest's RAM).
 *
 * <p>Kept under {@code <state>/shared-templates/<digest>-<build>}; a template found there (left by an
 * earlier node, which standby snapshots on disk may build on) is loaded rather than rebuilt.
 * Deleted when its last service goes, unless the node leaves its standby snapshots behind.
 */
final class SharedTemplates {
    private static final System.Logger LOG = System.getLogger(SharedTemplates.class.getName());

    private final VmRuntime runtime;
    private final Path root;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        Template template;
        int users;
    }

    /** Builds get a directory of their own: a path is never reused for different memory (see {@link #acquire}). */
    private final java.util.concurrent.atomic.AtomicLong builds = new java.util.concurrent.atomic.AtomicLong();

    SharedTemplates(VmRuntime runtime, Path stateDirectory) {
        this.runtime = runtime;
        this.root = stateDirectory.resolve("shared-templates");
    }

    /**
     * {@link #acquire}s the template with the VM's memory admitted (as {@code capacityId}) while it
     * may boot, then starts a VMM process ahead for its first clone. Every successful call must be
     * matched by {@link #release}.
     *
     * @throws CapacityException if the memory to boot it is not free
     */
    Template warm(String digest, VmSpec vm, String name, Capacity capacity, String capacityId) {
        if (!capacity.admit(capacityId, vm)) {
            throw new CapacityException("no memory free to warm a template");
        }
        try {
            long t0 = System.nanoTime();
            Template t = acquire(digest, vm, name);
            try {
                runtime.prewarm(t.snapshot());
            } catch (RuntimeException e) {
                release(digest, true);
                throw e;
            }
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: warm template ready in {1} ms",
                    name,
                    (System.nanoTime() - t0) / 1_000_000);
            return t;
        } finally {
            capacity.release(capacityId);
        }
    }

    /**
     * The template for VMs of this digest, built by the first caller (the others wait for it).
     * Every successful call must be matched by {@link #release}.
     */
    Template acquire(String digest, VmSpec vm, String name) {
        Entry e;
        synchronized (this) {
            e = entries.computeIfAbsent(digest, d -> new Entry());
            e.users++;
        }
        synchronized (e) {
            try {
                if (e.template == null) {
                    e.template = loadOrBuild(digest, vm, name);
                }
                return e.template;
            } catch (RuntimeException ex) {
                release(digest, true);
                throw ex;
            }
        }
    }

    /**
     * A whole template an earlier node left for this digest, else a new one. A new one never takes
     * an old one's path: VMMs started ahead for clones (the runtime's pool) and standby snapshots
     * name the memory file by path, and must not meet different memory there.
     */
    private Template loadOrBuild(String digest, VmSpec vm, String name) {
        String prefix = prefix(digest);
        for (Path dir : existing(prefix)) {
            try {
                Template t = runtime.loadTemplate(name, dir);
                if (t.snapshot().accelerator() == runtime.accelerator()) {
                    LOG.log(System.Logger.Level.INFO, "{0}: using the shared template at {1}", name, dir);
                    return t;
                }
            } catch (VmException unfinished) {
                runtime.deleteSnapshot(dir);
            }
        }
        Path dir = root.resolve(prefix + "-" + System.currentTimeMillis() + "-" + builds.incrementAndGet());
        return runtime.createTemplate(name, vm, dir);
    }

    private List<Path> existing(String prefix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix + "-"))
                    .sorted(Comparator.reverseOrder())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** One user fewer; the last one deletes the files unless {@code keepFiles}. */
    void release(String digest, boolean keepFiles) {
        Template t;
        synchronized (this) {
            Entry e = entries.get(digest);
            if (e == null || --e.users > 0) {
                return;
            }
            entries.remove(digest);
            t = e.template;
        }
        if (!keepFiles && t != null) {
            runtime.deleteSnapshot(t.directory());
        }
    }

    private static String prefix(String digest) {
        return digest.substring(0, Math.min(16, digest.length()));
    }
}
