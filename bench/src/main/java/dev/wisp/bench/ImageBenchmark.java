package dev.wisp.bench;

import dev.wisp.common.FileTrees;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.OciImageBuilder;
import dev.wisp.oci.ImageReference;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;

/**
 * {@code wisp bench image}: two images on a local docker-registry (see {@link BenchImages}), each
 * round pulled and converted to an ext4 disk cold by Wisp (empty blob cache and image store) and by
 * skopeo + umoci + mkfs.ext4 ({@link ToolsPipeline}), the two sides alternating who goes first;
 * then image 2, which shares image 1's base, by both with image 1's blobs already there. Then the
 * first cold boot of image 1 to its first HTTP answer and clones of a warm template of it.
 */
public final class ImageBenchmark {
    private static final Duration BOOT_READY_TIMEOUT = Duration.ofMinutes(4);
    /** The boot error of a run that did not boot. */
    static final String NOT_BOOTED = "not run (--no-boot)";

    private final VmRuntime runtime;
    private final Kernel kernel;
    private final Path cacheDir;
    private final Path work;
    private final Options options;
    private final Consumer<String> progress;

    /**
     * @param rounds     pull-and-convert rounds per side, at least 1
     * @param clones     template clones timed, at least 1
     * @param memoryMib  guest memory for the boots
     * @param boot       false to measure pulls only (no cold boot, no clones)
     */
    public record Options(int rounds, int clones, int memoryMib, boolean boot) {
        public Options {
            Stats.rounds(rounds);
            if (clones < 1) {
                throw new IllegalArgumentException("clones must be at least 1");
            }
        }
    }

    /** One step measured on both sides: medians (ms), Wisp / tools, and every sample. */
    public record Comparison(
            String step,
            double wispMs,
            double toolsMs,
            double ratio,
            List<Double> wispSamples,
            List<Double> toolsSamples) {}

    /** The whole run. */
    public record Result(
            String accelerator,
            int hostCores,
            String loadAverageBefore,
            String loadAverageAfter,
            int rounds,
            long baseLayerBytes,
            long secondImageOwnBytes,
            Comparison firstImage,
            Comparison secondImage,
            double wispSecondOverFirst,
            Map<String, Double> wispStagesMs,
            Map<String, Double> toolsStagesMs,
            double coldBootMs,
            double cloneMs,
            List<Double> cloneSamples,
            String bootError) {}

    /**
     * @param cacheDir where the base image's root (built once from Debian's mirror) is kept across runs
     * @param work     scratch folder, removed by the caller
     */
    public ImageBenchmark(
            VmRuntime runtime, Kernel kernel, Path cacheDir, Path work, Options options, Consumer<String> progress) {
        this.runtime = runtime;
        this.kernel = kernel;
        this.cacheDir = cacheDir;
        this.work = work;
        this.options = options;
        this.progress = progress;
    }

    public Result run() throws IOException {
        String loadBefore = loadAverage();
        Path baseTar = BenchImages.baseTar(cacheDir, progress);
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"))) {
            BenchImages.Pushed images =
                    BenchImages.buildAndPush(baseTar, work.resolve("build"), registry.host(), progress);
            FileTrees.delete(work.resolve("build"));
            Samples wisp = new Samples();
            Samples tools = new Samples();
            for (int round = 0; round < options.rounds(); round++) {
                Path dir = work.resolve("round-" + round);
                // alternate who goes first, so drift on a loaded host hits both sides alike
                if (round % 2 == 0) {
                    wispRound(images, dir.resolve("wisp"), wisp);
                    toolsRound(images, dir.resolve("tools"), tools);
                } else {
                    toolsRound(images, dir.resolve("tools"), tools);
                    wispRound(images, dir.resolve("wisp"), wisp);
                }
                FileTrees.delete(dir);
                progress.accept(String.format(
                        "round %d/%d  image 1: wisp %8.1f ms  tools %8.1f ms   image 2: wisp %8.1f ms  tools %8.1f ms",
                        round + 1,
                        options.rounds(),
                        wisp.first.getLast(),
                        tools.first.getLast(),
                        wisp.second.getLast(),
                        tools.second.getLast()));
            }
            Comparison first = compare("pull+convert image 1 (cold)", wisp.first, tools.first);
            Comparison second = compare("pull+convert image 2 (shared base)", wisp.second, tools.second);
            BootTimes boot = new BootTimes(Double.NaN, List.of(), NOT_BOOTED);
            try {
                if (options.boot()) {
                    boot = bootAndClone(images.first());
                }
            } catch (RuntimeException | IOException e) {
                // the pull figures stand on their own: report them with the boot's failure
                progress.accept("boot of image 1 failed: " + e.getMessage());
                boot = new BootTimes(Double.NaN, List.of(), e.getMessage());
            }
            return new Result(
                    runtime.accelerator().name(),
                    Runtime.getRuntime().availableProcessors(),
                    loadBefore,
                    loadAverage(),
                    options.rounds(),
                    images.baseTarBytes(),
                    images.appBytes(),
                    first,
                    second,
                    Stats.round2(second.wispMs() / first.wispMs()),
                    wisp.stageMedians(),
                    tools.stageMedians(),
                    Stats.round2(boot.coldMs()),
                    Stats.round2(Stats.median(boot.cloneMs())),
                    boot.cloneMs().stream().map(Stats::round2).toList(),
                    boot.error());
        }
    }

    /** The samples of one side. */
    private static final class Samples {
        final List<Double> first = new ArrayList<>();
        final List<Double> second = new ArrayList<>();
        final Map<String, List<Double>> stages = new LinkedHashMap<>();

        void stage(String name, double ms) {
            stages.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
        }

        Map<String, Double> stageMedians() {
            Map<String, Double> m = new LinkedHashMap<>();
            stages.forEach((k, v) -> m.put(k, Stats.round2(Stats.median(v))));
            return m;
        }
    }

    private void wispRound(BenchImages.Pushed images, Path dir, Samples s) throws IOException {
        ImageStore store = new ImageStore(dir.resolve("home"));
        Path blobs = dir.resolve("oci");
        Map<String, Double> stages = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        long t0 = System.nanoTime();
        // steps done once per layer, or on download threads, are summed
        wispBuild(images.first(), store, blobs, (stage, nanos) -> stages.merge(stage, nanos / 1e6, Double::sum));
        long t1 = System.nanoTime();
        wispBuild(images.second(), store, blobs, (stage, nanos) -> {});
        long t2 = System.nanoTime();
        s.first.add((t1 - t0) / 1e6);
        s.second.add((t2 - t1) / 1e6);
        stages.forEach(s::stage);
        s.stage("total", (t1 - t0) / 1e6);
    }

    private Image wispBuild(String ref, ImageStore store, Path blobs, ObjLongConsumer<String> stages) {
        return OciImageBuilder.of(ImageReference.parse(ref))
                .cache(blobs)
                .stageTimes(stages)
                .build(kernel, store);
    }

    private static void toolsRound(BenchImages.Pushed images, Path dir, Samples s) throws IOException {
        ToolsPipeline tools = new ToolsPipeline(dir);
        Map<String, Double> first = tools.convert(images.first(), "1");
        Map<String, Double> second = tools.convert(images.second(), "2");
        s.first.add(first.get("total"));
        s.second.add(second.get("total"));
        first.forEach(s::stage);
    }

    private static Comparison compare(String step, List<Double> wisp, List<Double> tools) {
        Stats.SideBySide c = Stats.SideBySide.of(wisp, tools);
        return new Comparison(step, c.first(), c.second(), c.ratio(), c.firstSamples(), c.secondSamples());
    }

    private record BootTimes(double coldMs, List<Double> cloneMs, String error) {}

    /** Image 1 booted once cold to its first HTTP answer, then cloned from a warm template of it. */
    private BootTimes bootAndClone(String ref) throws IOException {
        progress.accept("booting image 1 cold, then cloning a warm template of it");
        Image image = wispBuild(ref, new ImageStore(work.resolve("boot")), work.resolve("boot-oci"), (s, n) -> {});
        VmSpec base = VmSpec.of(
                        new BootSource(
                                kernel.vmlinux(),
                                image.initrd(),
                                image.disk(),
                                List.of(),
                                java.util.Map.of(),
                                image.layerDisks()),
                        image.port())
                .withResources(1, options.memoryMib());
        // python3 on a 160 MB root under TCG on a loaded host can take more than the default minute
        VmSpec spec = new VmSpec(base.boot(), base.vcpus(), base.memoryMib(), base.guestPort(), BOOT_READY_TIMEOUT);
        double coldMs;
        List<Double> clones = new ArrayList<>();
        long t0 = System.nanoTime();
        Instance cold = runtime.boot("bench-image-cold", spec);
        try {
            coldMs = RawBaseline.answered(cold.hostPort(), t0) / 1e6;
        } finally {
            cold.stop();
        }
        Path templateDir = work.resolve("template");
        runtime.deleteSnapshot(templateDir);
        Template template = runtime.createTemplate("bench-image", spec, templateDir);
        try {
            for (int i = 0; i < options.clones(); i++) {
                long c0 = System.nanoTime();
                Instance clone = runtime.cloneFrom(template, "bench-image-clone-" + i);
                try {
                    clones.add(RawBaseline.answered(clone.hostPort(), c0) / 1e6);
                } finally {
                    clone.stop();
                }
            }
        } finally {
            runtime.deleteSnapshot(templateDir);
        }
        return new BootTimes(coldMs, clones, null);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The table people read. */
    public static String table(Result r) {
        return ImageBenchReport.table(r);
    }
}
