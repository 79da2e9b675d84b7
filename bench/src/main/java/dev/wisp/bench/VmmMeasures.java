package dev.wisp.bench;

import dev.wisp.common.FileTrees;
import dev.wisp.common.ProcMeminfo;
import dev.wisp.node.VmmUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the density benchmark reads from {@code /proc} and the disk: VMM memory and CPU, host memory, CPU and disk use. */
final class VmmMeasures {
    static final double MIB = 1024.0 * 1024.0;

    private VmmMeasures() {}

    /** Medians over (at most 50 of) the VMMs: RSS, PSS, their guest mapping and QEMU's own share. */
    static DensityBenchmark.VmMemory memory(List<Long> vmPids) {
        List<VmmSample> samples = new ArrayList<>();
        for (long pid : vmPids.stream().limit(50).toList()) {
            Optional<VmmUsage> u = VmmUsage.read(pid);
            Optional<GuestMapping> g = GuestMapping.read(pid);
            if (u.isPresent() && g.isPresent()) {
                samples.add(VmmSample.of(u.get(), g.get()));
            }
        }
        return new DensityBenchmark.VmMemory(
                samples.size(),
                med(samples, VmmSample::rss),
                med(samples, VmmSample::pss),
                med(samples, VmmSample::guestRss),
                med(samples, VmmSample::guestChanged),
                med(samples, VmmSample::ownRss),
                med(samples, VmmSample::ownPss),
                med(samples, VmmSample::ownPrivate));
    }

    /** One VMM's memory in MiB: its RSS and PSS, its guest mapping's, and what is QEMU's own. */
    private record VmmSample(
            double rss,
            double pss,
            double guestRss,
            double guestChanged,
            double ownRss,
            double ownPss,
            double ownPrivate) {
        static VmmSample of(VmmUsage u, GuestMapping g) {
            return new VmmSample(
                    u.rssBytes() / MIB,
                    u.pssBytes() / MIB,
                    g.rss() / MIB,
                    g.anonymous() / MIB,
                    (u.rssBytes() - g.rss()) / MIB,
                    (u.pssBytes() - g.pss()) / MIB,
                    g.ownPrivate() / MIB);
        }
    }

    /** The VMMs' PSS summed, in MiB. */
    static double pssTotalMiB(List<Long> vmPids) {
        return vmPids.stream()
                .map(p -> VmmUsage.read(p).orElse(null))
                .filter(u -> u != null)
                .mapToDouble(u -> u.pssBytes() / MIB)
                .sum();
    }

    /** Cores the processes used together over {@code window}: CPU seconds used / seconds passed. */
    static double cpuCores(List<Long> vmPids, Duration window) throws InterruptedException {
        double before = vmPids.stream()
                .mapToDouble(
                        p -> VmmUsage.read(p, false).map(VmmUsage::cpuSeconds).orElse(0.0))
                .sum();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        double after = vmPids.stream()
                .mapToDouble(
                        p -> VmmUsage.read(p, false).map(VmmUsage::cpuSeconds).orElse(0.0))
                .sum();
        return (after - before) / ((System.nanoTime() - t0) / 1e9);
    }

    /** All CPU time and idle time (idle + iowait) of the host so far, in ticks. */
    static long[] cpuTimes() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElse("cpu").trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** A /proc/meminfo field ("MemAvailable") in MiB; 0 if it cannot be read. */
    static long meminfo(String field) {
        try {
            return ProcMeminfo.readMiB(ProcMeminfo.HOST, field).orElse(0L);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Bytes {@code du} counts under {@code dir}: 0 if it is not there, -1 if du fails. */
    static long du(Path dir) {
        return Files.exists(dir) ? FileTrees.diskUsage(dir) : 0;
    }

    static double med(List<Double> v) {
        return v.isEmpty() ? 0 : Stats.round2(Stats.median(v));
    }

    private static <T> double med(List<T> samples, ToDoubleFunction<T> figure) {
        return samples.isEmpty() ? 0 : Stats.round2(Stats.median(samples, figure));
    }

    /**
     * The guest RAM mapping of a VMM ({@code mem-path} file) as {@code /proc/PID/smaps} shows it,
     * and {@code ownPrivate}: the private pages (clean and dirty) of every other mapping, i.e.
     * what one more VMM costs the host beyond its guest's memory. QEMU's text and shared libraries
     * count in each process's RSS but sit in memory once.
     */
    record GuestMapping(long rss, long pss, long anonymous, long ownPrivate) {
        private static final Pattern MAPPING_HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

        static Optional<GuestMapping> read(long pid) {
            try {
                return Optional.of(parse(Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        static GuestMapping parse(List<String> smaps) {
            long rss = 0;
            long pss = 0;
            long anon = 0;
            long ownPrivate = 0;
            boolean in = false;
            for (String l : smaps) {
                if (MAPPING_HEADER.matcher(l).lookingAt()) {
                    in = isGuestMemory(l);
                } else if (!in) {
                    if (l.startsWith("Private_Clean:") || l.startsWith("Private_Dirty:")) {
                        ownPrivate += kib(l);
                    }
                } else if (l.startsWith("Rss:")) {
                    rss += kib(l);
                } else if (l.startsWith("Pss:")) {
                    pss += kib(l);
                } else if (l.startsWith("Anonymous:")) {
                    anon += kib(l);
                }
            }
            return new GuestMapping(rss, pss, anon, ownPrivate);
        }

        /**
         * Whether a mapping header names the guest's memory file: {@code .../memory.bin} for an
         * unjailed VMM, {@code /mem} for a jailed one (its path inside the jail's root).
         */
        static boolean isGuestMemory(String header) {
            String[] fields = header.trim().split("\\s+");
            if (fields.length < 6) {
                return false;
            }
            String path = fields[5];
            return path.endsWith("/memory.bin") || path.equals("/mem");
        }

        private static long kib(String line) {
            return Long.parseLong(line.split("\\s+")[1]) * 1024;
        }
    }
}
