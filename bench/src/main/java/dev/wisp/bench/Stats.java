package dev.wisp.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Medians and ratios: what benchmarks report, since one noisy sample says little. */
final class Stats {
    private Stats() {}

    /** The samples a benchmark takes per median: at least 1. */
    static int rounds(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1");
        }
        return rounds;
    }

    static double median(List<Double> samples) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(samples);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The median of one figure of each sample: a benchmark keeps its samples as records, not as a list per figure. */
    static <T> double median(List<T> samples, ToDoubleFunction<T> figure) {
        return median(samples.stream().map(figure::applyAsDouble).toList());
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /**
     * Two sides measured alike, in the shape the benchmarks report them: each side's median, the
     * first's over the second's, and every sample, all rounded to two places.
     */
    record SideBySide(
            double first, double second, double ratio, List<Double> firstSamples, List<Double> secondSamples) {
        static SideBySide of(List<Double> first, List<Double> second) {
            double a = median(first);
            double b = median(second);
            return new SideBySide(
                    round2(a),
                    round2(b),
                    round2(a / b),
                    first.stream().map(Stats::round2).toList(),
                    second.stream().map(Stats::round2).toList());
        }
    }
}
