package dev.wisp.bench;

import java.util.Formatter;
import java.util.Locale;
import java.util.Map;

/** The table {@code wisp bench image} prints. */
final class ImageBenchReport {
    private ImageBenchReport() {}

    static String table(ImageBenchmark.Result r) {
        Formatter out = new Formatter(Locale.ROOT);
        out.format(
                "image pull and convert to an ext4 disk, median of %d rounds, sides alternating (%s, %d cores,"
                        + " load %s before, %s after)%n",
                r.rounds(), r.accelerator(), r.hostCores(), r.loadAverageBefore(), r.loadAverageAfter());
        out.format(
                "image 1: Debian minbase + python3, base layer %.1f MB uncompressed; image 2: image 1 + %.1f KB of"
                        + " its own%n",
                r.baseLayerBytes() / 1e6, r.secondImageOwnBytes() / 1e3);
        Columns columns =
                new Columns("step", "%-36s", "wisp ms", "%10.1f", "skopeo+umoci+mkfs ms", "%21.1f", "ratio", "%7.2f");
        out.format("%s%n", columns.header());
        for (ImageBenchmark.Comparison c : new ImageBenchmark.Comparison[] {r.firstImage(), r.secondImage()}) {
            out.format("%s%n", columns.row(c.step(), c.wispMs(), c.toolsMs(), c.ratio()));
        }
        out.format("wisp image 2 / image 1: %.2f (goal < 0.20)%n", r.wispSecondOverFirst());
        out.format("wisp image 1 stages (ms): %s%n", stages(r.wispStagesMs()));
        out.format("tools image 1 stages (ms): %s%n", stages(r.toolsStagesMs()));
        if (r.bootError() != null) {
            out.format(
                    "image 1 boot%s: %s%n",
                    ImageBenchmark.NOT_BOOTED.equals(r.bootError()) ? "" : " failed",
                    r.bootError().lines().findFirst().orElse(""));
            return out.toString();
        }
        out.format(
                "image 1 first cold boot to HTTP answer: %.1f ms; clone of a warm template: %.1f ms (median of %d)%n",
                r.coldBootMs(), r.cloneMs(), r.cloneSamples().size());
        return out.toString();
    }

    private static String stages(Map<String, Double> ms) {
        StringBuilder b = new StringBuilder();
        ms.forEach((k, v) ->
                b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.1f", v)));
        return b.toString();
    }
}
