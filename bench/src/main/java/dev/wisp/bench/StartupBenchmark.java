package dev.wisp.bench;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.Snapshot;
import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Formatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code wisp bench startup}: for each way an instance comes up (cold boot, restore from a
 * standby snapshot, clone of a warm template, resume from pause) the time from asking to the
 * first HTTP 200, through Wisp and through raw QEMU doing the same thing, alternated round by
 * round on the same host, reported as medians and the ratio Wisp / raw.
 */
public final class StartupBenchmark extends GuestBenchmark {
    private static final long PAUSED_IDLE_MILLIS = 200;
    /** Time for the runtime's VMM pool to start a process, as it would between real requests. */
    private static final long POOL_FILL_MILLIS = 500;

    private final int rounds;

    /** One way of starting, both sides. */
    public record PathResult(
            String path,
            double wispMedianMs,
            double rawMedianMs,
            double ratio,
            List<Double> wispMs,
            List<Double> rawMs) {}

    /**
     * Median ms of each step of a cold boot ({@link ColdBootSteps}), Wisp's and raw QEMU's; a
     * step's medians do not add up to the path's median.
     */
    public record ColdBoot(Map<String, Double> wispMs, Map<String, Double> rawMs) {}

    /** The whole run. */
    public record Result(
            String accelerator,
            int hostCores,
            int rounds,
            int guestMemoryMib,
            int vmmPool,
            List<PathResult> paths,
            double cloneSpeedupOverColdBoot,
            ColdBoot coldBootSteps) {}

    private final int vmmPool;

    /**
     * @param vmmPool  the runtime's VMM pool size, reported with the result
     * @param spec     the guest to start
     * @param rounds   starts per path and side, at least 1
     * @param workDir  scratch directory for snapshots, templates and the raw baseline's files
     * @param progress one line per round, for a person watching
     */
    public StartupBenchmark(
            VmRuntime runtime, int vmmPool, VmSpec spec, int rounds, Path workDir, Consumer<String> progress) {
        super(runtime, spec, workDir, progress);
        this.vmmPool = vmmPool;
        this.rounds = Stats.rounds(rounds);
    }

    /** Measures every path, both sides alternating; medians and ratios. */
    public Result run() throws IOException {
        Files.createDirectories(workDir);
        RawBaseline raw = new RawBaseline(runtime.accelerator().name().toLowerCase(Locale.ROOT), spec, workDir);
        List<PathResult> results = new ArrayList<>();

        ColdBootSteps steps = new ColdBootSteps();
        results.add(
                measure("cold-boot", round -> coldBoot("bench-cold-" + round, steps), round -> raw.coldBoot(steps)));

        Path standbyDir = workDir.resolve("standby");
        runtime.deleteSnapshot(standbyDir);
        Instance sleeper = runtime.boot("bench-standby", spec);
        Snapshot standby = sleeper.snapshot(standbyDir);
        runtime.prewarm(standby);
        RawBaseline.sleep(POOL_FILL_MILLIS);
        results.add(measure(
                "restore-snapshot",
                round -> untilAnswered(() -> runtime.restore(standby, "bench-restore-" + round)),
                round -> raw.restore(standby)));
        sleeper.stop();

        Path templateDir = workDir.resolve("template");
        runtime.deleteSnapshot(templateDir);
        Template template = runtime.createTemplate("bench", spec, templateDir);
        runtime.prewarm(template.snapshot());
        RawBaseline.sleep(POOL_FILL_MILLIS);
        results.add(measure(
                "clone-template",
                round -> untilAnswered(() -> runtime.cloneFrom(template, "bench-clone-" + round)),
                round -> raw.cloneTemplate(
                        template.snapshot().memoryFile().orElseThrow(), templateDir.resolve("state.bin"))));

        // Both sides timed with the same client: one request once the resume has been answered.
        try (PausedVm awake = StraightResume.boot(runtime, spec);
                PausedVm resumer = raw.resumer()) {
            results.add(measure(
                    "resume-paused",
                    round -> awake.resumeAfter(PAUSED_IDLE_MILLIS),
                    round -> resumer.resumeAfter(PAUSED_IDLE_MILLIS)));
        }
        runtime.deleteSnapshot(templateDir);
        runtime.deleteSnapshot(standbyDir);

        double cold = results.get(0).wispMedianMs();
        double clone = results.get(2).wispMedianMs();
        return new Result(
                runtime.accelerator().name(),
                Runtime.getRuntime().availableProcessors(),
                rounds,
                spec.memoryMib(),
                vmmPool,
                results,
                Stats.round2(cold / clone),
                steps.medians());
    }

    /** A Wisp cold boot to first answer, its steps noted in {@code steps}. */
    private long coldBoot(String id, ColdBootSteps steps) throws IOException {
        long t0 = System.nanoTime();
        Instance i = runtime.boot(id, spec);
        long elapsed = RawBaseline.answered(i.hostPort(), t0);
        i.lastBoot().ifPresent(b -> steps.wisp(b, t0, t0 + elapsed));
        i.stop();
        return elapsed;
    }

    /** A timed start: returns the elapsed nanoseconds until the first 200. */
    @FunctionalInterface
    private interface Start {
        long elapsedNanos(int round) throws IOException;
    }

    /** Something that starts an instance. */
    @FunctionalInterface
    private interface NewInstance {
        Instance start() throws IOException;
    }

    /** Nanoseconds from asking for an instance until it answers; it is stopped after. */
    private static long untilAnswered(NewInstance start) throws IOException {
        long t0 = System.nanoTime();
        Instance i = start.start();
        long t1 = RawBaseline.answered(i.hostPort(), t0);
        i.stop();
        return t1;
    }

    private PathResult measure(String path, Start wisp, Start raw) throws IOException {
        List<Double> w = new ArrayList<>();
        List<Double> r = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            // Alternate who goes first so drift on a noisy host hits both sides alike.
            if (round % 2 == 0) {
                w.add(wisp.elapsedNanos(round) / 1e6);
                r.add(raw.elapsedNanos(round) / 1e6);
            } else {
                r.add(raw.elapsedNanos(round) / 1e6);
                w.add(wisp.elapsedNanos(round) / 1e6);
            }
            progress(
                    "%-17s round %d/%d  wisp %8.1f ms  raw %8.1f ms",
                    path, round + 1, rounds, w.getLast(), r.getLast());
        }
        Stats.SideBySide c = Stats.SideBySide.of(w, r);
        return new PathResult(path, c.first(), c.second(), c.ratio(), c.firstSamples(), c.secondSamples());
    }

    /** The table people read. */
    public static String table(Result r) {
        Formatter out = new Formatter(Locale.ROOT);
        out.format(
                "startup to first HTTP answer, median of %d rounds (%s, %d cores, %d MiB guest, VMM pool %d)%n",
                r.rounds(), r.accelerator(), r.hostCores(), r.guestMemoryMib(), r.vmmPool());
        Columns columns = new Columns("path", "%-17s", "wisp ms", "%12.1f", "raw qemu ms", "%12.1f", "ratio", "%8.2f");
        out.format("%s%n", columns.header());
        for (PathResult p : r.paths()) {
            out.format("%s%n", columns.row(p.path(), p.wispMedianMs(), p.rawMedianMs(), p.ratio()));
        }
        out.format("clone-from-template is %.1fx faster than cold boot%n", r.cloneSpeedupOverColdBoot());
        if (r.coldBootSteps() != null && !r.coldBootSteps().wispMs().isEmpty()) {
            out.format("cold boot by step, medians (ms):%n");
            Columns steps = new Columns("step", "%-25s", "wisp ms", "%10.1f", "raw qemu ms", "%12s");
            out.format("%s%n", steps.header());
            r.coldBootSteps().wispMs().forEach((step, ms) -> {
                Double raw = r.coldBootSteps().rawMs().get(step);
                out.format("%s%n", steps.row(step, ms, raw == null ? "" : String.format(Locale.ROOT, "%.1f", raw)));
            });
        }
        return out.toString();
    }
}
