package dev.wisp.cli;

import dev.wisp.cli.bench.StartupBenchmark;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code wisp bench ...}: benchmarks that report medians and ratios against a baseline run beside them. */
@Command(name = "bench", description = "Benchmarks against raw baselines measured in the same run.",
        subcommands = {BenchCommand.Startup.class})
final class BenchCommand {
    private BenchCommand() {
    }

    @Command(name = "startup", description = "Cold boot, snapshot restore, template clone and resume to first HTTP answer: Wisp vs raw QEMU.")
    static final class Startup extends OutputCommand implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "5", description = "Rounds per path (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--memory", defaultValue = "256", description = "Guest memory in MiB (default: ${DEFAULT-VALUE}).")
        int memoryMib;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Mixin
        HostOptions host;

        @Override
        public Integer call() throws Exception {
            Kernel kernel = host.kernel();
            Image image = ExampleApps.hello(kernel, host.images());
            VmSpec spec = VmSpec.of(HostOptions.bootSource(kernel, image), image.port()).withResources(1, memoryMib);
            Path work = Files.createTempDirectory(Files.createDirectories(host.home().resolve("tmp")), "bench-");
            try (VmRuntime rt = host.startRuntime(kernel)) {
                StartupBenchmark.Result r = new StartupBenchmark(rt, host.vmmPool, spec, rounds, work,
                        line -> err().println(line)).run();
                out().print(json ? ImageCommand.JSON.writeValueAsString(r) + "\n" : StartupBenchmark.table(r));
            } finally {
                Directories.deleteTree(work);
            }
            return 0;
        }
    }
}
