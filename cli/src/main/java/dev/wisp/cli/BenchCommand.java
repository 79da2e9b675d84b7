package dev.wisp.cli;

import dev.wisp.cli.bench.StartupBenchmark;
import dev.wisp.cli.bench.WakeBenchmark;
import dev.wisp.router.bench.RouterBenchmark;
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
        subcommands = {BenchCommand.Startup.class, BenchCommand.Wake.class, BenchCommand.Router.class})
final class BenchCommand {
    private BenchCommand() {
    }

    /** The guest every VM benchmark runs: the hello example, 1 vCPU, 256 MiB. */
    static VmSpec helloSpec(HostOptions host, Kernel kernel) {
        Image image = ExampleApps.hello(kernel, host.images());
        return VmSpec.of(HostOptions.bootSource(kernel, image), image.port());
    }

    static Path scratch(HostOptions host) throws java.io.IOException {
        return Files.createTempDirectory(Files.createDirectories(host.home().resolve("tmp")), "bench-");
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
            VmSpec spec = helloSpec(host, kernel).withResources(1, memoryMib);
            Path work = scratch(host);
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

    @Command(name = "wake", description = "First request to a service asleep in each standby tier, through the router, vs raw QEMU.")
    static final class Wake extends OutputCommand implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "3", description = "Rounds per tier (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Mixin
        HostOptions host;

        @Override
        public Integer call() throws Exception {
            Kernel kernel = host.kernel();
            VmSpec spec = helloSpec(host, kernel);
            Path work = scratch(host);
            try (VmRuntime rt = host.startRuntime(kernel)) {
                WakeBenchmark.Result r = new WakeBenchmark(rt, spec, rounds, work, line -> err().println(line)).run();
                out().print(json ? ImageCommand.JSON.writeValueAsString(r) + "\n" : WakeBenchmark.table(r));
            } finally {
                Directories.deleteTree(work);
            }
            return 0;
        }
    }

    @Command(name = "router", description = "wrk through Wisp's router and through nginx to the same backend, in one run.")
    static final class Router extends OutputCommand implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds per side (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--seconds", defaultValue = "5", description = "Seconds per round (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            RouterBenchmark.Options d = RouterBenchmark.Options.defaults();
            RouterBenchmark.Options o = new RouterBenchmark.Options(rounds, seconds, d.warmupSeconds(), d.connections(),
                    d.wrkThreads(), d.proxyThreads(), d.wrkPath(), d.nginxPath());
            RouterBenchmark.Result r = new RouterBenchmark(o).run();
            out().print(json ? ImageCommand.JSON.writeValueAsString(r) + "\n" : r.summary() + "\n");
            return 0;
        }
    }
}
