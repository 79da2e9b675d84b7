package dev.wisp.runtime.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** cgroup v1: one hierarchy per controller (cpu, memory, pids), each group made in all three. */
final class CgroupV1 extends Cgroups {
    static final List<String> CONTROLLERS = List.of("cpu", "memory", "pids");
    /** cpu.shares of one busy task. */
    private static final long SHARES_PER_CPU = 1024;

    private static final long HOST_CPUS = Runtime.getRuntime().availableProcessors();
    private final List<Path> bases;

    /** @param bases the platform's own group in the cpu, memory and pids hierarchies, in that order */
    CgroupV1(List<Path> bases) {
        this.bases = List.copyOf(bases);
    }

    @Override
    String describe() {
        return "cgroup v1 (cpu, memory, pids under " + bases.get(0).getParent() + "/{cpu,memory,pids})";
    }

    @Override
    List<Path> directories(String path) {
        List<Path> out = new ArrayList<>();
        for (Path b : bases) {
            Path root = b.resolve(ROOT);
            out.add(path.isEmpty() ? root : root.resolve(path));
        }
        return out;
    }

    @Override
    List<Path> create(String path, CgroupLimits limits) throws IOException {
        List<Path> dirs = directories(path);
        for (Path d : dirs) {
            Files.createDirectories(d);
        }
        Path cpu = dirs.get(0);
        Path memory = dirs.get(1);
        Path pids = dirs.get(2);
        // A group weighs like one task against its siblings (the platform's own threads, the rest of
        // the host): left at the default, all VMMs together would get one task's share of a busy
        // host. The levels above a VM weigh as many tasks as the host has CPUs, a VM (or a tenant
        // with a quota) as many as its vCPUs.
        Path cpuRoot = directories("").get(0);
        for (Path level = cpu.getParent(); level != null && level.startsWith(cpuRoot); level = level.getParent()) {
            write(level.resolve("cpu.shares"), Long.toString(SHARES_PER_CPU * HOST_CPUS));
        }
        write(
                cpu.resolve("cpu.shares"),
                Long.toString(SHARES_PER_CPU * (limits.cpus() > 0 ? limits.cpus() : HOST_CPUS)));
        if (limits.cpus() > 0) {
            write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CgroupLimits.PERIOD_US));
            write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpus() * CgroupLimits.PERIOD_US));
        }
        if (limits.memoryBytes() > 0) {
            String bytes = Long.toString(limits.memoryBytes());
            // With swap on, the limit must cover it too or a VMM swaps instead of being stopped. The
            // kernel keeps memsw >= the memory limit at every step: raising (a tenant's new quota)
            // goes memsw first, lowering goes memory first.
            Path limit = memory.resolve("memory.limit_in_bytes");
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            boolean swap = Files.exists(memsw);
            boolean raising = swap
                    && limits.memoryBytes()
                            > Long.parseLong(Files.readString(limit).strip());
            if (raising) {
                write(memsw, bytes);
            }
            write(limit, bytes);
            if (swap && !raising) {
                write(memsw, bytes);
            }
        }
        if (limits.pids() > 0) {
            write(pids.resolve("pids.max"), Long.toString(limits.pids()));
        }
        return dirs;
    }

    @Override
    long oomKills(String path) {
        return keyed(directories(path).get(1).resolve("memory.oom_control"), "oom_kill");
    }
}
