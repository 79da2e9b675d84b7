package dev.wisp.node.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.node.Node;
import dev.wisp.node.ServiceSpec;
import dev.wisp.router.ServiceLimits;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.Await;
import dev.wisp.testing.Hey;
import dev.wisp.testing.PrometheusText;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The examples/ folder's apps built into real images, as their READMEs deploy them, and what the
 * tests of them share: HTTP through the node's router, waiting and metric reading.
 */
final class Examples {
    /** Sizes the READMEs state: nginx is small; the model server gets room for bigger models. */
    static final int NGINX_MEMORY_MIB = 128;

    static final int INFERENCE_MEMORY_MIB = 512;

    static final ObjectMapper JSON = new ObjectMapper();

    private Examples() {}

    /** The checkout's examples/ folder, found upwards from the working directory (the module's folder). */
    static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/inference"))
                    && Files.isDirectory(p.resolve("examples/api-nginx"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException(
                "no examples/ folder above " + Path.of("").toAbsolutePath());
    }

    /** examples/api-nginx/app with Debian's nginx-light, as examples/api-nginx/serve builds it. */
    static VmSpec apiNginx() {
        Kernel k = VmTests.kernel();
        Image image = ImageBuilder.fromFolder(dir().resolve("api-nginx/app"))
                .entrypoint("nginx -c /app/nginx.conf -g 'daemon off;'")
                .port(8080)
                .withDebs(List.of("nginx-light"))
                .build(k, new ImageStore(WispHome.resolve()));
        return VmSpec.of(new BootSource(k.vmlinux(), image.initrd(), image.disk(), List.of()), 8080)
                .withResources(1, NGINX_MEMORY_MIB);
    }

    /**
     * Trains the model and compiles the server with examples/inference/build.sh into {@code out}
     * (out/app is the guest's folder, out/heldout.json the trainer's evaluation), then builds the image.
     */
    static VmSpec inference(Path out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(dir().resolve("inference/build.sh").toString(), out.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("examples/inference/build.sh: " + log).isZero();
        Kernel k = VmTests.kernel();
        Image image = ImageBuilder.fromFolder(out.resolve("app"))
                .entrypoint("./server model.bin --port 8080")
                .port(8080)
                .build(k, new ImageStore(WispHome.resolve()));
        return VmSpec.of(new BootSource(k.vmlinux(), image.initrd(), image.disk(), List.of()), 8080)
                .withResources(1, INFERENCE_MEMORY_MIB);
    }

    /** A response as a user sees it. */
    record Answer(int status, String contentType, String body) {
        /** The body as JSON. */
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** The answer is one of the examples' errors: {@code status} and {@code {"error":{"code":code}}}. */
    static void assertError(Answer a, int status, String code) throws IOException {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.json().at("/error/code").asText()).isEqualTo(code);
    }

    static Answer get(Node node, String service, String path) throws IOException, InterruptedException {
        return send(node, service, HttpRequest.newBuilder(uri(node, path)).GET());
    }

    static Answer post(Node node, String service, String path, String json) throws IOException, InterruptedException {
        return send(
                node,
                service,
                HttpRequest.newBuilder(uri(node, path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static URI uri(Node node, String path) {
        return URI.create("http://127.0.0.1:" + node.routerPort() + path);
    }

    private static Answer send(Node node, String service, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(
                    request.header("Host", service + ".localhost")
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        }
    }

    /**
     * Deploys {@code name} to scale out from zero under a burst (about {@code perInstance} requests
     * each, up to {@code maxInstances}) and to sleep to zero soon after; returns once its warm
     * template is ready and nothing runs yet.
     */
    static void deployBurstToZero(Node node, String name, VmSpec vm, int perInstance, int maxInstances)
            throws InterruptedException {
        node.deploy(ServiceSpec.of(name, vm)
                .withScaling(AutoscalerConfig.builder()
                        .target(perInstance)
                        .targetUtilizationPercentage(100)
                        .initialScale(0)
                        .maxInstances(maxInstances)
                        .stableWindow(Duration.ofSeconds(6))
                        .scaleToZeroGrace(Duration.ZERO)
                        .build())
                .withStandby(new StandbyPolicy(
                        StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(8)))
                .withLimits(
                        ServiceLimits.DEFAULTS.withHardLimit(perInstance).withQueueTimeout(Duration.ofSeconds(90))));
        await(() -> node.status(name).orElseThrow().templateReady(), Duration.ofSeconds(60), "warm template");
        assertThat(node.status(name).orElseThrow().instances()).isEmpty();
    }

    /**
     * Checks a burst hey sent to {@code name}: every one of {@code requests} answered 200, at least
     * {@code minInstances} instances cloned for it; then waits until the service slept to zero.
     *
     * @return the template clones so far
     */
    static double assertBurstServedThenAsleep(
            Node node, String name, Hey.Report r, int requests, int minInstances, String what)
            throws InterruptedException {
        assertThat(r.errors()).as(r.raw()).isEmpty();
        assertThat(r.count(200)).as(r.raw()).isEqualTo(requests);
        assertThat(node.status(name).orElseThrow().instances())
                .as("instances after the burst")
                .hasSizeGreaterThanOrEqualTo(minInstances);
        int instances = node.status(name).orElseThrow().instances().size();

        await(() -> node.status(name).orElseThrow().count("running") == 0, Duration.ofSeconds(30), "nothing running");
        await(
                () -> node.status(name).orElseThrow().instances().isEmpty(),
                Duration.ofSeconds(60),
                "every instance retired");
        // Counted once all retired: a clone the burst started may finish after it (on TAP a clone's netns
        // takes a moment more), and a wake is counted when it ends.
        double clones = wakes(node, name, "clone_template");
        assertThat(clones).isGreaterThanOrEqualTo(minInstances);
        System.out.printf(
                "%s: %d requests all 200, %.0f req/s, %d instances (%.0f clones)%n",
                what, requests, r.requestsPerSecond(), instances, clones);
        return clones;
    }

    /** Wakes of a service by one path so far, from the node's Prometheus metrics. */
    static double wakes(Node node, String service, String path) {
        return PrometheusText.value(
                node.scrape(), "wisp_wakes_total", "path=\"" + path + "\",service=\"" + service + "\"");
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        Await.until(timeout, what, condition);
    }
}
