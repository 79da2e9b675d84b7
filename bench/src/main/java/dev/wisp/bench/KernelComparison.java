package dev.wisp.bench;

import java.util.Formatter;
import java.util.List;
import java.util.Locale;

/**
 * {@code wisp bench startup --kernels a,b}: the startup benchmark run once per guest kernel in one
 * process, one after the other on the same host, and how the cold boots compare.
 *
 * @param runs          each kernel's full startup result, in the order asked
 * @param coldBootRatio median cold boot to first answer of the last kernel over the first's (with
 *     {@code --kernels debian,wisp}: Wisp's kernel / Debian's); lower is faster
 */
public record KernelComparison(List<KernelRun> runs, double coldBootRatio) {
    /** One kernel's run. */
    public record KernelRun(String kernel, String kernelVersion, StartupBenchmark.Result result) {}

    public KernelComparison {
        runs = List.copyOf(runs);
    }

    /** @param runs at least two runs; the ratio compares the last with the first */
    public static KernelComparison of(List<KernelRun> runs) {
        if (runs.size() < 2) {
            throw new IllegalArgumentException("comparing kernels needs at least two, got " + runs.size());
        }
        double first = coldBootMs(runs.getFirst());
        double last = coldBootMs(runs.getLast());
        return new KernelComparison(runs, Stats.round2(last / first));
    }

    private static double coldBootMs(KernelRun run) {
        return run.result().paths().stream()
                .filter(p -> p.path().equals("cold-boot"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no cold-boot path in the startup result"))
                .wispMedianMs();
    }

    /** Each kernel's table, then the ratio. */
    public static String table(KernelComparison c) {
        Formatter out = new Formatter(Locale.ROOT);
        for (KernelRun run : c.runs()) {
            out.format("kernel %s (%s)%n%s%n", run.kernel(), run.kernelVersion(), StartupBenchmark.table(run.result()));
        }
        out.format(
                "cold boot to first answer, %s / %s kernel: %.2f%n",
                c.runs().getLast().kernel(), c.runs().getFirst().kernel(), c.coldBootRatio());
        return out.toString();
    }
}
