package dev.wisp.cli;

import dev.wisp.cli.bench.DensityBenchmark;
import dev.wisp.cli.bench.InferenceBenchmark;
import dev.wisp.cli.bench.StartupBenchmark;
import dev.wisp.cli.bench.WakeBenchmark;
import dev.wisp.common.FileTrees;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.router.bench.RouterBenchmark;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code wisp bench ...}: benchmarks that report medians and ratios against a baseline run beside them. */
@Command(name = "bench", description = "Benchmarks against raw baselines measured in the same run.",
        subcommands = {BenchCommand.Startup.class, BenchCommand.Wake.class, BenchCommand.Router.class,
                BenchCommand.Inference.class, BenchCommand.Density.class, BenchJavaFnCommand.class})
final class BenchCommand {
    private BenchCommand() {
    }

    /** A benchmark over real VMs: given a runtime, the guest spec and a scratch directory. */
    @FunctionalInterface
    private interface VmBench<R> {
        R run(VmRuntime runtime, VmSpec spec, Path work) throws Exception;
    }

    /** A benchmark that builds its own guest: given the kernel, a runtime and a scratch directory. */
    @FunctionalInterface
    interface HostBench<R> {
        R run(Kernel kernel, VmRuntime runtime, Path work) throws Exception;
    }

    /** {@link #runOnHost} with the hello example as the guest. */
    private static <R> int runOnVms(OutputCommand cmd, HostOptions host, int memoryMib, boolean json,
                                    VmBench<R> bench, Function<R, String> table) throws Exception {
        return runOnHost(cmd, host, json, (kernel, rt, work) -> {
            Image image = ExampleApps.hello(kernel, host.images());
            VmSpec spec = VmSpec.of(HostOptions.bootSource(kernel, image), image.port()).withResources(1, memoryMib);
            return bench.run(rt, spec, work);
        }, table);
    }

    /**
     * What every VM benchmark does around its measurement: a scratch directory removed
     * afterwards, a runtime, and the result as a table or JSON.
     */
    static <R> int runOnHost(OutputCommand cmd, HostOptions host, boolean json, HostBench<R> bench,
                             Function<R, String> table) throws Exception {
        Kernel kernel = host.kernel();
        Path work = Files.createTempDirectory(Files.createDirectories(host.home().resolve("tmp")), "bench-");
        try (VmRuntime rt = host.startRuntime(kernel)) {
            R result = bench.run(kernel, rt, work);
            cmd.out().print(json ? ImageCommand.JSON.writeValueAsString(result) + "\n" : table.apply(result));
        } finally {
            FileTrees.delete(work);
        }
        return 0;
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
            return runOnVms(this, host, memoryMib, json,
                    (rt, spec, work) -> new StartupBenchmark(rt, host.vmmPool, spec, rounds, work,
                            line -> err().println(line)).run(), StartupBenchmark::table);
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
            return runOnVms(this, host, 256, json,
                    (rt, spec, work) -> new WakeBenchmark(rt, spec, rounds, work, line -> err().println(line)).run(),
                    WakeBenchmark::table);
        }
    }

    @Command(name = "density", description = "How many small services one host holds running, paused and on snapshot"
            + " standby, what each costs, and the first request to every standby one.")
    static final class Density extends OutputCommand implements Callable<Integer> {
        @Option(names = "--services", defaultValue = "1000", description = "Services put on snapshot standby and then"
                + " woken by one request each (default: ${DEFAULT-VALUE}).")
        int services;

        @Option(names = "--running", defaultValue = "1000", description = "Most always-on services held at once; fewer if"
                + " free memory reaches the reserve or idle VMs take 75 % of the cores first (default: ${DEFAULT-VALUE}).")
        int running;

        @Option(names = "--paused", defaultValue = "300", description = "Most paused services held at once (default:"
                + " ${DEFAULT-VALUE}).")
        int paused;

        @Option(names = "--reserve", defaultValue = "2048", paramLabel = "MiB", description = "Host memory kept free:"
                + " no more VMs start below it (default: ${DEFAULT-VALUE}).")
        long reserveMiB;

        @Option(names = "--cpu-window", defaultValue = "10", paramLabel = "SECONDS", description = "How long idle CPU is"
                + " measured per tier (default: ${DEFAULT-VALUE}).")
        int cpuWindow;

        @Option(names = "--memory", defaultValue = "80", description = "Guest memory in MiB; 80 is about the least the"
                + " Debian cloud kernel boots this image in (default: ${DEFAULT-VALUE}).")
        int memoryMib;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Mixin
        HostOptions host;

        @Override
        public Integer call() throws Exception {
            DensityBenchmark.Options o = new DensityBenchmark.Options(services, running, paused, reserveMiB,
                    java.time.Duration.ofSeconds(cpuWindow));
            return runOnVms(this, host, memoryMib, json,
                    (rt, spec, work) -> new DensityBenchmark(rt, spec, o, work, line -> err().println(line)).run(),
                    DensityBenchmark::table);
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

    @Command(name = "inference", description = "examples/inference under the same hey load with 1 and with 2 instances: requests/s and the ratio.")
    static final class Inference extends OutputCommand implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds per side (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--seconds", defaultValue = "5", description = "Seconds per round (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--connections", defaultValue = "8", description = "Concurrent connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(names = "--memory", defaultValue = "512", description = "Memory per instance in MiB (default: ${DEFAULT-VALUE}).")
        int memoryMib;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Mixin
        HostOptions host;

        @Override
        public Integer call() throws Exception {
            InferenceBenchmark.Options o = new InferenceBenchmark.Options(rounds, seconds, connections, memoryMib);
            return runOnHost(this, host, json, (kernel, rt, work) -> new InferenceBenchmark(rt, kernel, host.images(),
                    ExampleApps.examplesDir(), work, o, line -> err().println(line)).run(), InferenceBenchmark::table);
        }
    }
}
