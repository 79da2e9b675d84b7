package dev.wisp.cli;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelMemory;
import dev.wisp.node.AdminServer;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.node.ServiceSpec;
import dev.wisp.router.RouterConfig;
import dev.wisp.router.ServiceLimits;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wisp serve}: one service on this host behind Wisp's router, scaled by requests, down to
 * zero through the standby tiers; state changes stream to stdout until Ctrl-C.
 */
@Command(
        name = "serve",
        description = "Serve an image (or a folder) behind the router, scaling with requests down to zero.")
final class ServeCommand extends OutputCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "IMAGE|DIR",
            description = "An image id from 'wisp image build', or an app folder (then --entrypoint).")
    String source;

    @Option(
            names = "--name",
            description = "Service name; requests for NAME.localhost reach it (default: hello).",
            defaultValue = "hello")
    String name;

    @Option(names = "--entrypoint", description = "With a folder: the command that starts the app.")
    String entrypoint;

    @Option(
            names = "--app-port",
            defaultValue = "8080",
            description = "With a folder: the port the app listens on (default: ${DEFAULT-VALUE}).")
    int appPort;

    @Option(
            names = "--listen",
            defaultValue = "8080",
            description = "Router port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int listen;

    @Option(
            names = "--admin-port",
            defaultValue = "9090",
            description = "Port of /metrics and /v1/services on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--memory", defaultValue = "256", description = "Guest memory in MiB (default: ${DEFAULT-VALUE}).")
    int memoryMib;

    @Option(
            names = "--vcpus",
            defaultValue = "1",
            description = "Virtual CPUs per instance (default: ${DEFAULT-VALUE}).")
    int vcpus;

    @Option(names = "--min", defaultValue = "0", description = "Minimum instances (default: ${DEFAULT-VALUE}).")
    int min;

    @Option(
            names = "--max",
            defaultValue = "0",
            description = "Maximum instances, 0 for no limit (default: ${DEFAULT-VALUE}).")
    int max;

    @Option(names = "--initial", defaultValue = "1", description = "Instances at start (default: ${DEFAULT-VALUE}).")
    int initial;

    @Option(
            names = "--target",
            defaultValue = "100",
            description = "Target concurrent requests per instance (Knative: 100).")
    double target;

    @Option(
            names = "--hard-limit",
            defaultValue = "0",
            description = "Most concurrent requests one instance gets; more wait in the router (0: no limit).")
    int hardLimit;

    @Option(
            names = "--standby",
            defaultValue = "snapshot",
            paramLabel = "always-on|pause|snapshot",
            description = "How idle instances sleep (default: ${DEFAULT-VALUE}).")
    String standby;

    @Option(
            names = "--pause-after",
            defaultValue = "1s",
            description = "Idle time before pausing (default: ${DEFAULT-VALUE}).")
    Duration pauseAfter;

    @Option(
            names = "--snapshot-after",
            defaultValue = "60s",
            description = "Idle time before snapshotting to disk (default: ${DEFAULT-VALUE}).")
    Duration snapshotAfter;

    @Option(
            names = "--retire-after",
            defaultValue = "24h",
            description = "Idle time before an excess instance is deleted (default: ${DEFAULT-VALUE}).")
    Duration retireAfter;

    @Mixin
    HostOptions host;

    @Override
    public Integer call() throws Exception {
        StandbyMode mode = switch (standby.toLowerCase(Locale.ROOT)) {
            case "always-on" -> StandbyMode.ALWAYS_ON;
            case "pause" -> StandbyMode.PAUSE;
            case "snapshot" -> StandbyMode.SNAPSHOT;
            default -> throw new IllegalArgumentException("--standby must be always-on, pause or snapshot");
        };
        Kernel kernel = host.kernel();
        KernelMemory.check(memoryMib, kernel.vmlinux());
        Image image = resolveImage(kernel);
        VmSpec vm =
                VmSpec.of(HostOptions.bootSource(kernel, image), image.port()).withResources(vcpus, memoryMib);
        ServiceSpec spec = ServiceSpec.of(name, vm)
                .withScaling(AutoscalerConfig.builder()
                        .target(target)
                        .minInstances(min)
                        .maxInstances(max)
                        .initialScale(initial)
                        .build())
                .withStandby(new StandbyPolicy(mode, pauseAfter, snapshotAfter, retireAfter))
                .withLimits(ServiceLimits.DEFAULTS.withHardLimit(
                        hardLimit == 0 ? ServiceLimits.DEFAULT_HARD_LIMIT : hardLimit));
        CountDownLatch stop = new CountDownLatch(1);
        try (VmRuntime rt = host.startRuntime(kernel);
                Node node = Node.start(
                        NodeConfig.of(
                                host.home().resolve("state"),
                                RouterConfig.builder().port(listen).build()),
                        rt);
                AdminServer admin = AdminServer.start(node, "127.0.0.1", adminPort)) {
            rt.onEvent(e -> out().println(e));
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            node.deploy(spec);
            out().printf("serving '%s' (%s, accelerator %s)%n", name, image.id(), rt.accelerator());
            out().printf("  curl -H 'Host: %s.localhost' http://127.0.0.1:%d/%n", name, node.routerPort());
            out().printf(
                            "  metrics: http://127.0.0.1:%d/metrics   status: http://127.0.0.1:%d/v1/services%n",
                            admin.port(), admin.port());
            out().println("  Ctrl-C stops every instance and removes its snapshots");
            out().flush();
            stop.await();
        }
        return 0;
    }

    private Image resolveImage(Kernel kernel) {
        Path dir = Path.of(source);
        if (Files.isDirectory(dir)) {
            if (entrypoint == null) {
                throw new IllegalArgumentException("serving a folder needs --entrypoint");
            }
            return ImageBuilder.fromFolder(dir)
                    .entrypoint(entrypoint)
                    .port(appPort)
                    .build(kernel, host.images());
        }
        return host.images()
                .get(source)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no image or folder '" + source + "' (see: wisp image ls --local)"));
    }
}
