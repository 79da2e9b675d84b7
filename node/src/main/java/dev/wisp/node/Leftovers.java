package dev.wisp.node;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Standby snapshots an earlier node left in the state directory
 * ({@code standby/<service>/<instance>/}), found once at start. A service deployed with the same
 * key and VM digest claims its own; every entry of that key is consumed by the claim, matching or
 * not (mismatches are deleted). What nobody claims is deleted by {@link #prune()}. Per-service
 * template directories of older nodes ({@code templates/<service>/}) are only cleaned up: warm
 * templates live in {@link SharedTemplates}, which finds its own.
 *
 * <p>Only snapshots can be adopted: running and paused instances of a node that was killed died
 * with their QEMU processes (the next runtime sweeps any that survived).
 */
final class Leftovers {
    private static final System.Logger LOG = System.getLogger(Leftovers.class.getName());

    /** One directory found at start; {@code manifest} is empty for an unfinished or foreign one. */
    record Entry(Path directory, boolean template, Optional<StandbyManifest> manifest) {}

    /** What a service may adopt: its standby snapshots, manifests checked. */
    record Claim(List<Entry> standby) {
        static final Claim NONE = new Claim(List.of());
    }

    private final Map<String, List<Entry>> byService = new HashMap<>();

    private Leftovers() {}

    static Leftovers scan(Path stateDirectory) {
        Leftovers l = new Leftovers();
        for (Path service : list(stateDirectory.resolve("standby"))) {
            for (Path instance : list(service)) {
                l.add(service.getFileName().toString(), new Entry(instance, false, StandbyManifest.read(instance)));
            }
        }
        for (Path service : list(stateDirectory.resolve("templates"))) {
            l.add(service.getFileName().toString(), new Entry(service, true, StandbyManifest.read(service)));
        }
        return l;
    }

    private void add(String service, Entry e) {
        byService.computeIfAbsent(service, k -> new ArrayList<>()).add(e);
    }

    /**
     * Takes every leftover of {@code service}: returns those whose manifest names this service
     * and {@code specDigest}, deletes the rest.
     */
    synchronized Claim claim(String service, String specDigest) {
        List<Entry> found = byService.remove(service);
        if (found == null) {
            return Claim.NONE;
        }
        List<Entry> standby = new ArrayList<>();
        for (Entry e : found) {
            boolean ok = !e.template()
                    && e.manifest()
                            .map(m -> m.service().equals(service)
                                    && m.specDigest().equals(specDigest))
                            .orElse(false);
            if (!ok) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "{0}: deleting {1} left by an earlier node: {2}",
                        service,
                        e.directory(),
                        e.manifest().isEmpty() ? "unfinished or unknown" : "the service changed");
                delete(e.directory());
            } else {
                standby.add(e);
            }
        }
        return new Claim(List.copyOf(standby));
    }

    /** Deletes what no service claimed; returns how many directories went. */
    synchronized int prune() {
        int n = 0;
        for (Map.Entry<String, List<Entry>> s : byService.entrySet()) {
            for (Entry e : s.getValue()) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "{0}: deleting {1}: no such service deployed",
                        s.getKey(),
                        e.directory());
                delete(e.directory());
                n++;
            }
        }
        byService.clear();
        return n;
    }

    synchronized int size() {
        return byService.values().stream().mapToInt(List::size).sum();
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list " + dir + ": " + e.getMessage());
            return List.of();
        }
    }

    static void delete(Path directory) {
        try {
            FileTrees.delete(directory);
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        }
    }
}
