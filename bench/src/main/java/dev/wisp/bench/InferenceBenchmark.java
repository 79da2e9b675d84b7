package dev.wisp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.node.ServiceSpec;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Formatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code wisp bench inference}: requests/s of the examples/inference model server with one and
 * with two instances (min = max = N) under the same hey load through the router, in one run,
 * rounds alternating between the two so that noise on the shared host hits both alike.
 *
 * @param examplesDir the checkout's examples/ folder (its inference/build.sh trains the model)
 * @param workDir     scratch directory for the build, the node's state and the request body
 * @param progress    one line per round, for a person watching
 */
public record InferenceBenchmark(
        VmRuntime runtime,
        Kernel kernel,
        ImageStore images,
        Path examplesDir,
        Path workDir,
        Options options,
        Consumer<String> progress) {
    private static final Duration WAIT_FOR_INSTANCES = Duration.ofSeconds(120);
    private static final int WARMUP_SECONDS = 2;

    /**
     * @param rounds      measured rounds per side
     * @param seconds     length of each round
     * @param connections hey's concurrency, the same for both sides
     * @param memoryMib   memory of each instance
     */
    public record Options(int rounds, int seconds, int connections, int memoryMib) {
        public Options {
            if (rounds < 1 || seconds < 1 || connections < 1) {
                throw new IllegalArgumentException("rounds, seconds and connections must be at least 1");
            }
        }
    }

    /** One side: instances, median requests/s and latencies over the rounds, and each round's requests/s. */
    public record Side(
            int instances, double requestsPerSecond, double p50Ms, double p99Ms, List<Double> roundsPerSecond) {}

    /** The whole run; {@code ratio} is two instances' requests/s over one's. */
    public record Result(
            String accelerator,
            int hostCores,
            int memoryMib,
            int connections,
            int seconds,
            int rounds,
            String model,
            double heldoutAccuracy,
            Side one,
            Side two,
            double ratio) {}

    /** Builds the example, serves it with 1 and 2 instances, loads both alternately. */
    public Result run() throws IOException, InterruptedException {
        Path build = workDir.resolve("inference");
        progress.accept("training the model and compiling the server (examples/inference/build.sh)");
        runBuildScript(build);
        Image image = ImageBuilder.fromFolder(build.resolve("app"))
                .entrypoint("./server model.bin --port 8080")
                .port(8080)
                .build(kernel, images);
        VmSpec vm = VmSpec.of(new BootSource(kernel.vmlinux(), image.initrd(), image.disk(), List.of()), 8080)
                .withResources(1, options.memoryMib());
        JsonNode heldout =
                new ObjectMapper().readTree(build.resolve("heldout.json").toFile());
        Path body = Files.writeString(
                workDir.resolve("sample.json"),
                "{\"features\":" + heldout.path("samples").get(0).path("features") + "}");

        List<HeyLoad.Report> one = new ArrayList<>();
        List<HeyLoad.Report> two = new ArrayList<>();
        try (Node node = Node.start(NodeConfig.of(workDir.resolve("state"), RouterConfig.defaults()), runtime)) {
            for (int n = 1; n <= 2; n++) {
                // Fixed size, never asleep: the measurement is of N instances, not of the autoscaler.
                node.deploy(ServiceSpec.of("infer-" + n, vm)
                        .withScaling(AutoscalerConfig.builder()
                                .minInstances(n)
                                .maxInstances(n)
                                .initialScale(n)
                                .build())
                        .withStandby(StandbyPolicy.of(StandbyMode.ALWAYS_ON)));
            }
            for (int n = 1; n <= 2; n++) {
                awaitRunning(node, "infer-" + n, n);
                load(node, n, body, WARMUP_SECONDS);
            }
            for (int round = 1; round <= options.rounds(); round++) {
                one.add(load(node, 1, body, options.seconds()));
                two.add(load(node, 2, body, options.seconds()));
                progress.accept(String.format(
                        Locale.ROOT,
                        "round %d/%d  1 instance %.1f req/s  2 instances %.1f req/s",
                        round,
                        options.rounds(),
                        one.getLast().requestsPerSecond(),
                        two.getLast().requestsPerSecond()));
            }
        }
        Side s1 = side(1, one);
        Side s2 = side(2, two);
        return new Result(
                runtime.accelerator().name(),
                Runtime.getRuntime().availableProcessors(),
                options.memoryMib(),
                options.connections(),
                options.seconds(),
                options.rounds(),
                "random Fourier features + softmax: " + heldout.path("inputs").asInt() + " inputs, "
                        + heldout.path("features").asInt() + " features, "
                        + heldout.path("classes").asInt() + " classes",
                heldout.path("heldoutAccuracy").asDouble(),
                s1,
                s2,
                Stats.round2(s2.requestsPerSecond() / s1.requestsPerSecond()));
    }

    private void runBuildScript(Path out) throws IOException, InterruptedException {
        Path script = examplesDir.resolve("inference/build.sh");
        if (!Files.isRegularFile(script)) {
            throw new IOException("missing " + script + ": run wisp from its checkout");
        }
        Process p = new ProcessBuilder(script.toString(), out.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("examples/inference/build.sh failed: " + log.strip());
        }
        progress.accept(log.strip());
    }

    private HeyLoad.Report load(Node node, int n, Path body, int seconds) throws IOException, InterruptedException {
        HeyLoad.Report r = HeyLoad.post(
                node.routerPort(), "infer-" + n + ".localhost", "/v1/predict", body, seconds, options.connections());
        if (r.requests() == 0 || r.failed() > 0) {
            throw new IOException("requests to " + n + " instance(s) failed: " + r.outcome());
        }
        return r;
    }

    private static Side side(int instances, List<HeyLoad.Report> reports) {
        List<Double> rps =
                reports.stream().map(HeyLoad.Report::requestsPerSecond).toList();
        return new Side(
                instances,
                Stats.round2(Stats.median(rps)),
                Stats.round2(
                        Stats.median(reports.stream().map(HeyLoad.Report::p50Ms).toList())),
                Stats.round2(
                        Stats.median(reports.stream().map(HeyLoad.Report::p99Ms).toList())),
                rps.stream().map(Stats::round2).toList());
    }

    private static void awaitRunning(Node node, String service, int n) throws IOException, InterruptedException {
        GuestBenchmark.awaitStatus(
                node,
                service,
                s -> s.count("running") == n && s.instances().stream().allMatch(i -> i.port() > 0 && !i.busy()),
                WAIT_FOR_INSTANCES,
                "get " + n + " running instances");
    }

    /** The table people read. */
    public static String table(Result r) {
        Formatter out = new Formatter(Locale.ROOT);
        out.format(
                "examples/inference (%s; held-out accuracy %.3f), %d MiB per instance%n",
                r.model(), r.heldoutAccuracy(), r.memoryMib());
        out.format(
                "hey -c %d for %d s per round, median of %d rounds (%s, %d cores)%n",
                r.connections(), r.seconds(), r.rounds(), r.accelerator(), r.hostCores());
        Columns columns =
                new Columns("instances", "%-10d", "requests/s", "%12.1f", "p50 ms", "%10.1f", "p99 ms", "%10.1f");
        out.format("%s%n", columns.header());
        for (Side s : List.of(r.one(), r.two())) {
            out.format("%s%n", columns.row(s.instances(), s.requestsPerSecond(), s.p50Ms(), s.p99Ms()));
        }
        out.format("2 instances / 1: %.2fx%n", r.ratio());
        return out.toString();
    }
}
