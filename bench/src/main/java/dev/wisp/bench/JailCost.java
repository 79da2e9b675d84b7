package dev.wisp.bench;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.WakeTimings;
import dev.wisp.runtime.jail.JailConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Formatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Clone and restore to the first HTTP answer with the VMM jail and without, in one run: two
 * runtimes side by side (each its own run directory), rounds alternating which goes first. Once
 * with the VMM pool (VMMs, jailed ones too, started ahead: what a node runs) and once without
 * (the jail's start, namespaces, mounts and cgroup, on the path). Each clone is timed from the
 * call to its first answer; it is then put on standby and restored, timed the same way.
 */
final class JailCost {
    /** What the jail may add to a clone or restore (issue 15): at most 10 %. */
    static final double TARGET_RATIO = 1.10;

    private static final long POOL_WAIT_NANOS = 60_000_000_000L;

    /**
     * Medians in ms; {@code *VmmMs}: of that, until a VMM waited for the state (taken from the pool
     * or started), the part the jail touches.
     */
    public record Mode(
            int vmmPool,
            double cloneOpenMs,
            double cloneJailedMs,
            double cloneRatio,
            double restoreOpenMs,
            double restoreJailedMs,
            double restoreRatio,
            double cloneVmmOpenMs,
            double cloneVmmJailedMs,
            List<Double> clonesOpen,
            List<Double> clonesJailed,
            List<Double> restoresOpen,
            List<Double> restoresJailed) {}

    /** One mode per pool size measured, or why none was ({@code skipped}). */
    public record Result(List<Mode> modes, int rounds, double targetRatio, String skipped) {}

    private final RuntimeConfig base;
    private final Path vmlinux;
    private final VmSpec spec;
    private final int rounds;
    private final Path work;
    private final Consumer<String> progress;

    JailCost(RuntimeConfig base, Path vmlinux, VmSpec spec, int rounds, Path work, Consumer<String> progress) {
        this.base = base;
        this.vmlinux = vmlinux;
        this.spec = spec;
        this.rounds = Stats.rounds(rounds);
        this.work = work;
        this.progress = progress;
    }

    Result run() throws IOException {
        if (!base.jail().enabled()) {
            return new Result(List.of(), rounds, TARGET_RATIO, "VMMs are not jailed here (not root, or --no-jail)");
        }
        List<Mode> modes = new ArrayList<>();
        List<Integer> pools = base.vmmPool() > 0 ? List.of(base.vmmPool(), 0) : List.of(0);
        for (int pool : pools) {
            modes.add(mode(pool));
        }
        return new Result(modes, rounds, TARGET_RATIO, null);
    }

    private Mode mode(int pool) throws IOException {
        RuntimeConfig c = base.withVmmPool(pool);
        // Beside the host's own run directory: socket paths must stay short (no room under work/).
        Path runs = base.runDirectory();
        Path openRuns = runs.resolveSibling(runs.getFileName() + "-jc-open");
        Path jailRuns = runs.resolveSibling(runs.getFileName() + "-jc-jail");
        try (VmRuntime open = VmRuntime.start(c.withJail(JailConfig.OFF).withRunDirectory(openRuns), vmlinux);
                VmRuntime jailed = VmRuntime.start(c.withRunDirectory(jailRuns), vmlinux)) {
            return mode(pool, open, jailed);
        } finally {
            Files.deleteIfExists(openRuns);
            Files.deleteIfExists(jailRuns);
        }
    }

    private Mode mode(int pool, VmRuntime open, VmRuntime jailed) throws IOException {
        Side o = new Side(open, "open", pool);
        Side j = new Side(jailed, "jail", pool);
        o.template();
        j.template();
        // Neither side's pool refills while the other is timed.
        Settle settle = () -> {
            o.awaitPool();
            j.awaitPool();
        };
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                o.round(round, settle);
                j.round(round, settle);
            } else {
                j.round(round, settle);
                o.round(round, settle);
            }
            progress.accept(progressLine(
                    pool,
                    round + 1,
                    rounds,
                    new double[] {j.clones.getLast(), o.clones.getLast()},
                    new double[] {j.cloneVmm.getLast(), o.cloneVmm.getLast()},
                    new double[] {j.restores.getLast(), o.restores.getLast()}));
        }
        double co = Stats.median(o.clones);
        double cj = Stats.median(j.clones);
        double ro = Stats.median(o.restores);
        double rj = Stats.median(j.restores);
        return new Mode(
                pool,
                Stats.round2(co),
                Stats.round2(cj),
                Stats.round2(cj / co),
                Stats.round2(ro),
                Stats.round2(rj),
                Stats.round2(rj / ro),
                Stats.round2(Stats.median(o.cloneVmm)),
                Stats.round2(Stats.median(j.cloneVmm)),
                rounded(o.clones),
                rounded(j.clones),
                rounded(o.restores),
                rounded(j.restores));
    }

    /** One round's line: each pair is {jailed, open} in ms. */
    static String progressLine(int pool, int round, int rounds, double[] clone, double[] vmmReady, double[] restore) {
        return String.format(
                Locale.ROOT,
                "jail-cost pool %d round %d/%d  clone %8.1f ms jailed vs %8.1f open (vmm ready %.1f vs %.1f)"
                        + "  restore %8.1f vs %8.1f",
                pool,
                round,
                rounds,
                clone[0],
                clone[1],
                vmmReady[0],
                vmmReady[1],
                restore[0],
                restore[1]);
    }

    private static List<Double> rounded(List<Double> xs) {
        return xs.stream().map(Stats::round2).toList();
    }

    /** Waits until both runtimes' pools hold still. */
    @FunctionalInterface
    private interface Settle {
        void run() throws IOException;
    }

    /** One runtime's template and samples. */
    private final class Side {
        final VmRuntime rt;
        final String name;
        final int pool;
        final List<Double> clones = new ArrayList<>();
        final List<Double> restores = new ArrayList<>();
        final List<Double> cloneVmm = new ArrayList<>();
        Template template;

        Side(VmRuntime rt, String name, int pool) {
            this.rt = rt;
            this.name = name;
            this.pool = pool;
        }

        void template() {
            template = rt.createTemplate("jc-" + name, spec, work.resolve("tpl-" + name + "-pool" + pool));
        }

        void round(int round, Settle settle) throws IOException {
            settle.run();
            long t0 = System.nanoTime();
            Instance c = rt.cloneFrom(template, "jc-" + name + "-" + round);
            try {
                clones.add(RawBaseline.answered(c.hostPort(), t0) / 1e6);
                WakeTimings w = c.lastWake().orElseThrow();
                cloneVmm.add((w.vmmNanos() - w.startedNanos()) / 1e6);
                c.snapshot(work.resolve("standby-" + name + "-pool" + pool + "-" + round));
                settle.run();
                long t1 = System.nanoTime();
                c.restore();
                restores.add(RawBaseline.answered(c.hostPort(), t1) / 1e6);
            } finally {
                c.stop();
            }
            rt.deleteSnapshot(work.resolve("standby-" + name + "-pool" + pool + "-" + round));
        }

        /** With a pool, waits (bounded) until a VMM for this template waits in it, as between real wakes. */
        private void awaitPool() throws IOException {
            if (pool == 0) {
                return;
            }
            rt.prewarm(template.snapshot());
            long deadline = System.nanoTime() + POOL_WAIT_NANOS;
            while (rt.idleVmms() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the " + name + " runtime's VMM pool did not refill within 60 s");
                }
                RawBaseline.sleep(20);
            }
        }
    }

    static String table(Result r) {
        StringBuilder b = new StringBuilder();
        Formatter f = new Formatter(b, Locale.ROOT);
        if (r.skipped() != null) {
            return "jail cost: skipped: " + r.skipped() + "\n";
        }
        f.format("jail cost: clone and restore to first HTTP answer, jailed vs not, median of %d rounds%n", r.rounds());
        Columns c = new Columns(
                "path",
                "%-16s",
                "open ms",
                "%9.1f",
                "jailed ms",
                "%10.1f",
                "ratio",
                "%6.2f",
                "vmm ready open/jailed ms",
                "%25s");
        b.append(c.header()).append('\n');
        for (Mode m : r.modes()) {
            String pool = m.vmmPool() > 0 ? "pool " + m.vmmPool() : "no pool";
            b.append(c.row(
                            "clone, " + pool,
                            m.cloneOpenMs(),
                            m.cloneJailedMs(),
                            m.cloneRatio(),
                            String.format(Locale.ROOT, "%.1f / %.1f", m.cloneVmmOpenMs(), m.cloneVmmJailedMs())))
                    .append('\n');
            b.append(c.row("restore, " + pool, m.restoreOpenMs(), m.restoreJailedMs(), m.restoreRatio(), ""))
                    .append('\n');
        }
        f.format("target: jailed / open <= %.2f%n", r.targetRatio());
        return b.toString();
    }
}
