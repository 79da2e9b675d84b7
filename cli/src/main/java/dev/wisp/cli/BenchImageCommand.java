package dev.wisp.cli;

import dev.wisp.bench.ImageBenchmark;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.VmRuntime;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wisp bench image}: Wisp's OCI pull-and-convert against skopeo + umoci + mkfs.ext4, boot and clone. */
@Command(
        name = "image",
        description = "Pull and convert a ~160 MB image cold, then one sharing its base, vs skopeo + umoci +"
                + " mkfs.ext4 from a local registry; the image's first cold boot and clone time.")
final class BenchImageCommand extends VmBenchCommand<ImageBenchmark.Result> {
    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = "Pull-and-convert rounds per side (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--clones", defaultValue = "3", description = "Template clones timed (default: ${DEFAULT-VALUE}).")
    int clones;

    @Option(
            names = "--memory",
            defaultValue = "256",
            description = "Guest memory in MiB for the boots (default: ${DEFAULT-VALUE}).")
    int memoryMib;

    @Option(names = "--no-boot", description = "Measure the pulls only: no cold boot, no clones.")
    boolean noBoot;

    private ImageBenchmark.Options options;

    @Override
    void check() {
        options = new ImageBenchmark.Options(rounds, clones, memoryMib, !noBoot);
    }

    @Override
    ImageBenchmark.Result measure(Kernel kernel, VmRuntime rt, Path work) throws Exception {
        // the base image's root comes from Debian's mirror once and is kept here
        Path cache = host.home().resolve("cache").resolve("bench-image");
        return new ImageBenchmark(rt, kernel, cache, work, options, progress()).run();
    }

    @Override
    String table(ImageBenchmark.Result r) {
        return ImageBenchmark.table(r);
    }
}
