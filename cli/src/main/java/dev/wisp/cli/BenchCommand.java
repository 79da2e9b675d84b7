package dev.wisp.cli;

import dev.wisp.bench.DensityBenchmark;
import dev.wisp.bench.InferenceBenchmark;
import dev.wisp.bench.IsolationBenchmark;
import dev.wisp.bench.KernelComparison;
import dev.wisp.bench.RouterBenchmark;
import dev.wisp.bench.StartupBenchmark;
import dev.wisp.bench.WakeBenchmark;
import dev.wisp.common.FileTrees;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelChoice;
import dev.wisp.image.KernelMemory;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wisp bench ...}: benchmarks (module {@code bench}) that report medians and ratios against a baseline run beside them. */
@Command(
        name = "bench",
        description = "Benchmarks against raw baselines measured in the same run.",
        subcommands = {
            BenchCommand.Startup.class,
            BenchCommand.Wake.class,
            BenchCommand.Router.class,
            BenchCommand.Inference.class,
            BenchCommand.Density.class,
            BenchCommand.Isolation.class,
            BenchNetworkCommand.class,
            BenchImageCommand.class,
            BenchJavaFnCommand.class,
            BenchClusterCommand.class
        })
final class BenchCommand {
    private BenchCommand() {}

    @Command(
            name = "startup",
            description =
                    "Cold boot, snapshot restore, template clone and resume to first HTTP answer: Wisp vs raw QEMU"
                            + " (--kernels debian,wisp: with each kernel in one run).")
    static final class Startup extends VmBenchCommand<StartupBenchmark.Result> {
        @Option(
                names = "--kernels",
                split = ",",
                paramLabel = "KERNEL",
                description = "Run with each of these kernels (wisp, debian or a vmlinux file) one after the other"
                        + " and report coldBootRatio, the last's cold boot over the first's.")
        List<String> kernels = List.of();

        @Option(names = "--rounds", defaultValue = "5", description = "Rounds per path (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(
                names = "--memory",
                defaultValue = "256",
                description = "Guest memory in MiB (default: ${DEFAULT-VALUE}).")
        int memoryMib;

        @Override
        StartupBenchmark.Result measure(Kernel kernel, VmRuntime rt, Path work) throws Exception {
            return new StartupBenchmark(rt, host.vmmPool, hello(kernel, memoryMib), rounds, work, progress()).run();
        }

        @Override
        public Integer call() throws Exception {
            if (kernels.isEmpty()) {
                return super.call();
            }
            if (kernels.size() < 2 || host.kernel != null) {
                throw new IllegalArgumentException("--kernels takes two or more kernels, and not with --kernel");
            }
            // Resolve (and check the memory against) every kernel before the first VM boots.
            List<Kernel> resolved = new ArrayList<>();
            for (String k : kernels) {
                Kernel kernel = KernelChoice.resolve(k, host.home(), null);
                KernelMemory.check(memoryMib, kernel.vmlinux());
                resolved.add(kernel);
            }
            List<KernelComparison.KernelRun> runs = new ArrayList<>();
            for (int i = 0; i < resolved.size(); i++) {
                Kernel kernel = resolved.get(i);
                progress().accept("kernel " + kernels.get(i) + " (" + kernel.version() + ")");
                Path work = Files.createTempDirectory(
                        Files.createDirectories(host.home().resolve("tmp")), "bench-");
                try (VmRuntime rt = host.startRuntime(kernel)) {
                    runs.add(new KernelComparison.KernelRun(
                            kernels.get(i), kernel.version(), measure(kernel, rt, work)));
                } finally {
                    FileTrees.delete(work);
                }
            }
            output.print(out(), KernelComparison.of(runs), KernelComparison::table);
            return 0;
        }

        @Override
        String table(StartupBenchmark.Result r) {
            return StartupBenchmark.table(r);
        }
    }

    @Command(
            name = "wake",
            description = "First request to a service asleep in each standby tier, through the router, vs raw QEMU.")
    static final class Wake extends VmBenchCommand<WakeBenchmark.Result> {
        @Option(names = "--rounds", defaultValue = "3", description = "Rounds per tier (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(
                names = "--warmup",
                defaultValue = "1000",
                paramLabel = "N",
                description = "Requests through the router (and as many straight to the VM) before the first round,"
                        + " so the JIT has compiled the request path as in a serving node; 0: time it cold"
                        + " (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(
                names = "--tiers",
                split = ",",
                paramLabel = "TIER",
                description = "Only these tiers: paused, snapshotted, template_only, nothing (default: all).")
        List<String> tiers = List.of();

        @Override
        void check() {
            tiers.forEach(WakeBenchmark::checkTier);
            WakeBenchmark.checkWarmup(warmup);
        }

        @Override
        WakeBenchmark.Result measure(Kernel kernel, VmRuntime rt, Path work) throws Exception {
            return new WakeBenchmark(rt, hello(kernel, 256), rounds, warmup, tiers, work, progress()).run();
        }

        @Override
        String table(WakeBenchmark.Result r) {
            return WakeBenchmark.table(r);
        }
    }

    @Command(
            name = "density",
            description = "How many small services one host holds running, paused and on snapshot"
                    + " standby, what each costs, and the first request to every standby one.")
    static final class Density extends VmBenchCommand<DensityBenchmark.Result> {
        @Option(
                names = "--services",
                defaultValue = "1000",
                description = "Services put on snapshot standby and then"
                        + " woken by one request each (default: ${DEFAULT-VALUE}).")
        int services;

        @Option(
                names = "--running",
                defaultValue = "1000",
                description =
                        "Most always-on services held at once; fewer if"
                                + " free memory reaches the reserve or idle VMMs use four fifths of the cores first (default: ${DEFAULT-VALUE}).")
        int running;

        @Option(
                names = "--paused",
                defaultValue = "300",
                description = "Most paused services held at once (default:" + " ${DEFAULT-VALUE}).")
        int paused;

        @Option(
                names = "--reserve",
                defaultValue = "2048",
                paramLabel = "MiB",
                description = "Host memory kept free:" + " no more VMs start below it (default: ${DEFAULT-VALUE}).")
        long reserveMiB;

        @Option(
                names = "--cpu-window",
                defaultValue = "10",
                paramLabel = "SECONDS",
                description = "How long idle CPU is" + " measured per tier (default: ${DEFAULT-VALUE}).")
        int cpuWindow;

        @Option(
                names = "--memory",
                defaultValue = "80",
                description = "Guest memory in MiB; 80 is about the least the"
                        + " Debian cloud kernel boots this image in (default: ${DEFAULT-VALUE}).")
        int memoryMib;

        private DensityBenchmark.Options options;

        @Override
        void check() {
            options =
                    new DensityBenchmark.Options(services, running, paused, reserveMiB, Duration.ofSeconds(cpuWindow));
        }

        @Override
        DensityBenchmark.Result measure(Kernel kernel, VmRuntime rt, Path work) throws Exception {
            return new DensityBenchmark(rt, hello(kernel, memoryMib), options, work, progress()).run();
        }

        @Override
        String table(DensityBenchmark.Result r) {
            return DensityBenchmark.table(r);
        }
    }

    @Command(
            name = "router",
            description = "wrk through Wisp's router and through nginx to the same backend, in one run.")
    static final class Router extends OutputCommand implements Callable<Integer> {
        @Mixin
        LoadRounds load;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() throws Exception {
            RouterBenchmark.Options o = RouterBenchmark.Options.defaults().withRounds(load.rounds, load.seconds);
            output.print(out(), new RouterBenchmark(o).run(), r -> r.summary() + "\n");
            return 0;
        }
    }

    @Command(
            name = "inference",
            description =
                    "examples/inference under the same hey load with 1 and with 2 instances: requests/s and the ratio.")
    static final class Inference extends VmBenchCommand<InferenceBenchmark.Result> {
        @Mixin
        LoadRounds load;

        @Option(
                names = "--connections",
                defaultValue = "8",
                description = "Concurrent connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(
                names = "--memory",
                defaultValue = "512",
                description = "Memory per instance in MiB (default: ${DEFAULT-VALUE}).")
        int memoryMib;

        private InferenceBenchmark.Options options;

        @Override
        void check() {
            options = new InferenceBenchmark.Options(load.rounds, load.seconds, connections, memoryMib);
        }

        @Override
        InferenceBenchmark.Result measure(Kernel kernel, VmRuntime rt, Path work) throws Exception {
            return new InferenceBenchmark(
                            rt, kernel, host.images(), ExampleApps.examplesDir(), work, options, progress())
                    .run();
        }

        @Override
        String table(InferenceBenchmark.Result r) {
            return InferenceBenchmark.table(r);
        }
    }

    @Command(
            name = "isolation",
            description = "A quiet service's p50/p99 with and without a neighbour burning its vCPU;"
                    + " clone and restore with the VMM jail against without.")
    static final class Isolation extends VmBenchCommand<IsolationBenchmark.Result> {
        @Mixin
        LoadRounds load;

        @Option(
                names = "--connections",
                defaultValue = "4",
                description = "hey connections against the quiet service (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(
                names = "--rate",
                defaultValue = "20",
                description = "Requests/s per connection: a steady load below saturation (default: ${DEFAULT-VALUE}).")
        int rate;

        @Option(
                names = "--only",
                paramLabel = "PART",
                description = "Only this part: noisy-neighbour or jail (default: both, then any further sections).")
        String only;

        private IsolationBenchmark.Options options;

        @Override
        void check() {
            if (only != null && !List.of("noisy-neighbour", "jail").contains(only)) {
                throw new IllegalArgumentException("--only must be noisy-neighbour or jail, got '" + only + "'");
            }
            options = new IsolationBenchmark.Options(
                    load.rounds,
                    load.seconds,
                    connections,
                    rate,
                    only == null || only.equals("noisy-neighbour"),
                    only == null || only.equals("jail"));
        }

        @Override
        IsolationBenchmark.Result measure(Kernel kernel, VmRuntime rt, Path work) throws Exception {
            Image burner = ExampleApps.burner(kernel, host.images());
            VmSpec noisy = VmSpec.of(HostOptions.bootSource(kernel, burner), burner.port())
                    .withResources(1, 256)
                    // Its loop starts as soon as it listens: give its first answer room on a busy host.
                    .withReadyTimeout(Duration.ofSeconds(180));
            // Further sections go here: TAP against user networking (NetworkThroughput) when it lands.
            List<IsolationBenchmark.Section> sections = List.of();
            return new IsolationBenchmark(
                            rt,
                            host.runtimeConfig(),
                            kernel.vmlinux(),
                            hello(kernel, 256),
                            noisy,
                            options,
                            sections,
                            work,
                            progress())
                    .run();
        }

        @Override
        String table(IsolationBenchmark.Result r) {
            return IsolationBenchmark.table(r);
        }
    }
}
