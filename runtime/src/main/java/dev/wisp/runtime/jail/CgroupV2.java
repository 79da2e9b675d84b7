package dev.wisp.runtime.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** cgroup v2: one unified hierarchy; controllers enabled for children level by level. */
final class CgroupV2 extends Cgroups {
    static final List<String> CONTROLLERS = List.of("cpu", "memory", "pids");
    private final Path base;

    /** @param base the platform's own group */
    CgroupV2(Path base) {
        this.base = base;
    }

    @Override
    String describe() {
        return "cgroup v2 (cpu, memory, pids under " + base + ")";
    }

    @Override
    List<Path> directories(String path) {
        Path root = base.resolve(ROOT);
        return List.of(path.isEmpty() ? root : root.resolve(path));
    }

    private static final int HOST_CPUS = Runtime.getRuntime().availableProcessors();

    /** cpu.weight of {@code cpus} busy tasks (100 each), within v2's 1-10000. */
    private static long weight(int cpus) {
        return Math.min(10_000, 100L * cpus);
    }

    @Override
    List<Path> create(String path, CgroupLimits limits) throws IOException {
        Path dir = directories(path).get(0);
        // Each level's parent hands the controllers down. The platform's own group must allow it
        // (v2's "no internal processes" rule: delegate a group to Wisp, e.g. systemd's Delegate=yes).
        Path level = base;
        for (Path part : base.relativize(dir)) {
            write(level.resolve("cgroup.subtree_control"), "+cpu +memory +pids");
            level = level.resolve(part);
            Files.createDirectories(level);
        }
        // As in v1 (CgroupV1#create): weigh each level like the CPUs it may use, not like one task.
        for (Path l = dir.getParent(); l != null && l.startsWith(base) && !l.equals(base); l = l.getParent()) {
            write(l.resolve("cpu.weight"), Long.toString(weight(HOST_CPUS)));
        }
        write(dir.resolve("cpu.weight"), Long.toString(weight(limits.cpus() > 0 ? limits.cpus() : HOST_CPUS)));
        if (limits.cpus() > 0) {
            write(dir.resolve("cpu.max"), limits.cpus() * CgroupLimits.PERIOD_US + " " + CgroupLimits.PERIOD_US);
        }
        if (limits.memoryBytes() > 0) {
            write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
            Path swap = dir.resolve("memory.swap.max");
            if (Files.exists(swap)) {
                write(swap, "0");
            }
        }
        if (limits.pids() > 0) {
            write(dir.resolve("pids.max"), Long.toString(limits.pids()));
        }
        return List.of(dir);
    }

    @Override
    long oomKills(String path) {
        return keyed(directories(path).get(0).resolve("memory.events"), "oom_kill");
    }
}
