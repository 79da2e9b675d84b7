package dev.wisp.runtime.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

/**
 * The host's cgroup hierarchy for VMM limits: v2 where its cpu, memory and pids controllers are
 * enabled, v1 where those controllers are mounted separately (as on these hosts). Wisp's groups
 * sit under the platform's own group: {@code <own>/wisp/<platform-pid>/<tenant>/<vm>}.
 */
abstract sealed class Cgroups permits CgroupV1, CgroupV2 {
    static final String ROOT = "wisp";

    /** The hierarchy to use here, or empty when neither version offers cpu, memory and pids. */
    static Optional<Cgroups> detect() {
        return detect(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/cgroup"));
    }

    static Optional<Cgroups> detect(Path mount, Path selfCgroup) {
        List<String> self;
        try {
            self = Files.readAllLines(selfCgroup);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (Path v2 : List.of(mount, mount.resolve("unified"))) {
            Path controllers = v2.resolve("cgroup.controllers");
            if (Files.isRegularFile(controllers)) {
                try {
                    List<String> have =
                            List.of(Files.readString(controllers).strip().split("\\s+"));
                    if (have.containsAll(CgroupV2.CONTROLLERS)) {
                        return Optional.of(new CgroupV2(
                                v2.resolve(ownPath(self, "").orElse("/").substring(1))));
                    }
                } catch (IOException e) {
                    // unreadable: try the next
                }
            }
        }
        List<Path> bases = new ArrayList<>();
        for (String c : CgroupV1.CONTROLLERS) {
            Path dir = mount.resolve(c);
            Optional<String> own = ownPath(self, c);
            if (!Files.isRegularFile(dir.resolve("cgroup.procs")) || own.isEmpty()) {
                return Optional.empty();
            }
            bases.add(dir.resolve(own.get().substring(1)));
        }
        return Optional.of(new CgroupV1(bases));
    }

    /** This process's path in the hierarchy holding {@code controller} ("" for v2's unified line). */
    private static Optional<String> ownPath(List<String> self, String controller) {
        for (String line : self) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains(controller)) {
                return Optional.of(f[2]);
            }
        }
        return Optional.empty();
    }

    /** For users: {@code cgroup v1 (cpu, memory, pids)}. */
    abstract String describe();

    /** The directories of this path under Wisp's root, one per hierarchy (v1) or one (v2). */
    abstract List<Path> directories(String path);

    /** Creates the group (and missing parents) with these limits; returns its directories. */
    abstract List<Path> create(String path, CgroupLimits limits) throws IOException;

    /** Times the kernel's OOM killer killed a process of this group for its memory limit. */
    abstract long oomKills(String path);

    /** Pids in the group (all of its hierarchies). */
    final List<Long> pids(String path) {
        List<Long> out = new ArrayList<>();
        for (Path dir : directories(path)) {
            try {
                for (String l : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                    if (!l.isBlank()) {
                        out.add(Long.parseLong(l.strip()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone
            }
        }
        return out;
    }

    /**
     * Kills what is left in the group, waits (bounded) until it is empty and removes it; the
     * group's parents stay. Returns whether it is gone.
     */
    final boolean remove(String path) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<Long> left = pids(path);
            left.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
            boolean gone = true;
            for (Path dir : directories(path)) {
                gone &= removeDirectory(dir);
            }
            if (gone || System.nanoTime() > deadline) {
                return gone;
            }
            sleep();
        }
    }

    /** Removes groups of platforms that are gone (killing what is left in them), at start. */
    final void sweep(LongPredicate platformAlive) {
        for (Path root : directories("")) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> owners = Files.list(root)) {
                for (Path owner : owners.filter(Files::isDirectory).toList()) {
                    String name = owner.getFileName().toString();
                    if (name.chars().allMatch(Character::isDigit) && !platformAlive.test(Long.parseLong(name))) {
                        removeTree(root.relativize(owner).toString());
                    }
                }
            } catch (IOException e) {
                // unreadable: nothing to sweep
            }
        }
    }

    /** Removes a group and everything below it, leaves first. */
    final void removeTree(String path) {
        for (Path dir : directories(path)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : children.filter(Files::isDirectory).toList()) {
                    removeTree(path + "/" + child.getFileName());
                }
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        remove(path);
    }

    private static boolean removeDirectory(Path dir) {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new IOException("cannot write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The number after {@code key} in a flat-keyed file such as memory.events, or 0. */
    static long keyed(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2 && f[0].equals(key)) {
                    return Long.parseLong(f[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
