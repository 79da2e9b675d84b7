package dev.wisp.node;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.router.RouterConfig;
import dev.wisp.router.ServiceLimits;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A node serving a real busybox httpd in real microVMs, driven by real HTTP load (hey). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeTest {
    @TempDir
    static Path scratch;

    private VmRuntime runtime;
    private VmSpec vm;
    private Node node;

    @BeforeAll
    void startRuntime() throws IOException {
        Guests.assumeVmTests();
        runtime = Guests.runtime();
        vm = Guests.webSpec(scratch);
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @AfterAll
    void stopRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private Node startNode() {
        node = Node.start(NodeConfig.of(scratch.resolve("state"), RouterConfig.defaults()), runtime);
        return node;
    }

    @Test
    void burstAtZero_allServedWhileItScalesOut() throws Exception {
        startNode();
        ServiceSpec spec = ServiceSpec.of("burst", vm)
                .withScaling(AutoscalerConfig.builder().target(2).targetUtilizationPercentage(100)
                        .initialScale(0).maxInstances(4).build())
                .withLimits(ServiceLimits.DEFAULTS.withHardLimit(2).withQueueTimeout(Duration.ofSeconds(90)));
        node.deploy(spec);
        await(() -> node.status("burst").orElseThrow().templateReady(), Duration.ofSeconds(60));
        assertThat(node.status("burst").orElseThrow().instances()).isEmpty();

        Hey.Report r = Hey.run(node.routerPort(), "burst.localhost", "/cgi-bin/slow", "-n", "48", "-c", "8");

        assertThat(r.errors()).as(r.raw()).isEmpty();
        assertThat(r.count(200)).as(r.raw()).isEqualTo(48);
        assertThat(node.status("burst").orElseThrow().instances()).as("instances after the burst").hasSizeGreaterThanOrEqualTo(2);
        assertThat(wakes("burst", "clone_template")).isGreaterThanOrEqualTo(2);

        try (AdminServer admin = AdminServer.start(node, "127.0.0.1", 0);
             HttpClient client = HttpClient.newHttpClient()) {
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("wisp_router_requests_total{").contains("wisp_wake_seconds_bucket{")
                    .contains("wisp_instances{service=\"burst\",tier=\"running\"}");
            HttpResponse<String> services = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.port() + "/v1/services")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(services.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(services.body()).contains("\"name\":\"burst\"").contains("\"templateReady\":true");
        }
    }

    @Test
    void idleService_sinksThroughTheTiersAndEachWakeTakesTheFastestPath() throws Exception {
        startNode();
        ServiceSpec spec = ServiceSpec.of("tiers", vm)
                .withScaling(AutoscalerConfig.builder().stableWindow(Duration.ofSeconds(6))
                        .scaleToZeroGrace(Duration.ZERO).build())
                .withStandby(new StandbyPolicy(StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(3),
                        Duration.ofSeconds(8)));
        node.deploy(spec);
        await(() -> tier("tiers", "running") == 1 && node.status("tiers").orElseThrow().instances().get(0).port() > 0,
                Duration.ofSeconds(60));
        assertThat(get("tiers", "/")).isEqualTo("200 hello from the node test");

        // Each wake is counted once it has finished, which may be just after its request was
        // answered (a paused instance is routed before `cont`): wait for the count, bounded. On a
        // slow machine the instance may sleep again before the next step, so counts are compared
        // with what they were before the request.
        await(() -> tier("tiers", "paused") == 1, Duration.ofSeconds(10));
        double resumes = wakes("tiers", "resume_paused");
        assertThat(get("tiers", "/")).isEqualTo("200 hello from the node test");
        await(() -> wakes("tiers", "resume_paused") >= resumes + 1, Duration.ofSeconds(10));

        await(() -> tier("tiers", "snapshotted") == 1, Duration.ofSeconds(15));
        String id = node.status("tiers").orElseThrow().instances().get(0).id();
        assertThat(runtime.instances()).filteredOn(i -> i.id().equals(id)).extracting(Instance::vmmPid).containsOnly(-1L);
        double restores = wakes("tiers", "restore_snapshot");
        double clones = wakes("tiers", "clone_template");
        assertThat(get("tiers", "/")).isEqualTo("200 hello from the node test");
        await(() -> wakes("tiers", "restore_snapshot") >= restores + 1, Duration.ofSeconds(10));
        assertThat(wakes("tiers", "clone_template")).as("a snapshotted instance is restored, not replaced").isEqualTo(clones);

        await(() -> node.status("tiers").orElseThrow().instances().isEmpty(), Duration.ofSeconds(40));
        assertThat(get("tiers", "/")).isEqualTo("200 hello from the node test");
        assertThat(wakes("tiers", "clone_template")).isGreaterThanOrEqualTo(2);
    }

    private long tier(String service, String tier) {
        return node.status(service).orElseThrow().count(tier);
    }

    private double wakes(String service, String path) {
        Matcher m = Pattern.compile("(?m)^wisp_wakes_total\\{path=\"" + path + "\",service=\"" + service
                + "\"} ([0-9.]+)$").matcher(node.scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private String get(String service, String path) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + node.routerPort() + path))
                    .header("Host", service + ".localhost").timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within " + timeout).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
