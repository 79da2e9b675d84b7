package dev.wisp.node;

import dev.wisp.common.ProcStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What one VMM process costs the host, read from Linux's {@code /proc}: CPU time used so far and
 * memory held now.
 *
 * @param pid        the process
 * @param cpuSeconds user + system CPU time since it started ({@code /proc/PID/stat} utime + stime)
 * @param rssBytes   resident set ({@code VmRSS} of {@code /proc/PID/status}): every page mapped
 *                   in, including pages shared with other processes (a template's memory file)
 * @param pssBytes   proportional set ({@code Pss} of {@code /proc/PID/smaps_rollup}): shared pages
 *                   divided among their sharers, so the PSS of all VMMs adds up to what they
 *                   hold together; -1 where the kernel does not let us read it
 */
public record VmmUsage(long pid, double cpuSeconds, long rssBytes, long pssBytes) {
    /** Clock ticks per second of the stat file's CPU times; 100 on every Linux we run on. */
    static final double CLOCK_TICKS = 100.0;

    /** Reads the process's usage, or empty if it is gone (or this is not Linux). */
    public static Optional<VmmUsage> read(long pid) {
        return read(pid, true);
    }

    /** As {@link #read(long)}; without {@code withPss} the costlier smaps walk is skipped (pss -1). */
    public static Optional<VmmUsage> read(long pid, boolean withPss) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            double cpu = cpuSeconds(Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII));
            long rss = kib(Files.readAllLines(proc.resolve("status"), StandardCharsets.US_ASCII), "VmRSS:");
            long pss = -1;
            if (withPss) {
                try {
                    pss = kib(Files.readAllLines(proc.resolve("smaps_rollup"), StandardCharsets.US_ASCII), "Pss:");
                } catch (IOException | SecurityException unreadable) {
                    // Older kernels lack smaps_rollup; PSS stays unknown.
                }
            }
            return Optional.of(new VmmUsage(pid, cpu, rss, pss));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    static double cpuSeconds(String stat) {
        return ProcStat.cpuTicks(stat) / CLOCK_TICKS;
    }

    private static long kib(Iterable<String> lines, String key) {
        for (String l : lines) {
            if (l.startsWith(key)) {
                return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]) * 1024;
            }
        }
        return -1;
    }
}
