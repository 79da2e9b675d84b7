package dev.wisp.node;

import static dev.wisp.node.NodeProbe.await;
import static dev.wisp.node.NodeProbe.awaitServing;
import static dev.wisp.node.NodeProbe.get;
import static dev.wisp.node.NodeProbe.tier;
import static dev.wisp.node.NodeProbe.wakes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.router.ServiceLimits;
import dev.wisp.router.WaitedRequest;
import dev.wisp.runtime.Instance;
import dev.wisp.testing.Hey;
import dev.wisp.testing.VmTests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node serving a real busybox httpd in real microVMs, driven by real HTTP load (hey). */
@ExtendWith(VmTests.class)
class NodeTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    private Node node;

    private Node startNode() {
        node = BED.start();
        return node;
    }

    @Test
    void burstAtZero_allServedWhileItScalesOut() throws Exception {
        startNode();
        ServiceSpec spec = ServiceSpec.of("burst", BED.web())
                .withScaling(AutoscalerConfig.builder()
                        .target(2)
                        .targetUtilizationPercentage(100)
                        .initialScale(0)
                        .maxInstances(4)
                        .build())
                .withLimits(ServiceLimits.DEFAULTS.withHardLimit(2).withQueueTimeout(Duration.ofSeconds(90)));
        node.deploy(spec);
        await(() -> node.status("burst").orElseThrow().templateReady(), Duration.ofSeconds(60));
        assertThat(node.status("burst").orElseThrow().instances()).isEmpty();

        Hey.Report r = Hey.run(node.routerPort(), "burst.localhost", "/cgi-bin/slow", "-n", "48", "-c", "8");

        assertThat(r.errors()).as(r.raw()).isEmpty();
        assertThat(r.count(200)).as(r.raw()).isEqualTo(48);
        assertThat(node.status("burst").orElseThrow().instances())
                .as("instances after the burst")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(wakes(node, "burst", "clone_template")).isGreaterThanOrEqualTo(2);

        try (AdminServer admin = AdminServer.start(node, "127.0.0.1", 0);
                HttpClient client = HttpClient.newHttpClient()) {
            String metrics = client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("wisp_router_requests_total{")
                    .contains("wisp_wake_seconds_bucket{")
                    .contains("wisp_instances{service=\"burst\",tier=\"running\"}");
            HttpResponse<String> services = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/v1/services"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(services.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(services.body()).contains("\"name\":\"burst\"").contains("\"templateReady\":true");
        }
    }

    @Test
    void idleService_sinksThroughTheTiersAndEachWakeTakesTheFastestPath() throws Exception {
        startNode();
        node.deploy(Guests.sinking("tiers", BED.web(), Duration.ofSeconds(3), Duration.ofSeconds(8)));
        awaitServing(node, "tiers");

        // Each wake is counted once it has finished, which may be just after its request was
        // answered (a paused instance is routed before `cont`): wait for the count, bounded. On a
        // slow machine the instance may sleep again before the next step, so counts are compared
        // with what they were before the request.
        await(() -> tier(node, "tiers", "paused") == 1, Duration.ofSeconds(10));
        // The wake's breakdown (wisp bench wake) lines these marks up: each step after the last.
        WakeTrace resumed = wokenBy("resume_paused");
        assertInOrder(
                resumed.request().arrivedNanos(),
                resumed.demandNanos(),
                resumed.vm().startedNanos(), // `cont` sent from the demanding thread, before routing
                resumed.routedNanos(),
                resumed.request().grantedNanos());
        assertAnsweredInOrder(resumed.request());
        assertInOrder(
                resumed.routedNanos(),
                resumed.submittedNanos(),
                resumed.threadNanos(),
                resumed.vm().contNanos());

        await(() -> tier(node, "tiers", "snapshotted") == 1, Duration.ofSeconds(15));
        String id = node.status("tiers").orElseThrow().instances().get(0).id();
        assertThat(BED.runtime().instances())
                .filteredOn(i -> i.id().equals(id))
                .extracting(Instance::vmmPid)
                .containsOnly(-1L);
        Path standby = BED.runtime().instances().stream()
                .filter(i -> i.id().equals(id))
                .findFirst()
                .flatMap(Instance::standbySnapshot)
                .orElseThrow()
                .directory();
        assertThat(standby).exists();
        double clones = wakes(node, "tiers", "clone_template");
        WakeTrace restored = wokenBy("restore_snapshot");
        // Deleted once the instance is routed (off the waiting request's path), bounded.
        await(() -> !Files.exists(standby), Duration.ofSeconds(10));
        assertInOrder(
                restored.request().arrivedNanos(),
                restored.demandNanos(),
                restored.submittedNanos(),
                restored.threadNanos(),
                restored.vm().startedNanos(),
                restored.vm().vmmNanos(),
                restored.vm().streamNanos(),
                restored.vm().loadedNanos(),
                restored.vm().identityNanos(),
                restored.vm().contNanos(),
                restored.vm().guestNanos(),
                restored.doneNanos(),
                restored.routedNanos(),
                restored.request().grantedNanos());
        assertAnsweredInOrder(restored.request());
        assertThat(wakes(node, "tiers", "clone_template"))
                .as("a snapshotted instance is restored, not replaced")
                .isEqualTo(clones);

        await(() -> node.status("tiers").orElseThrow().instances().isEmpty(), Duration.ofSeconds(40));
        assertThat(get(node, "tiers", "/")).isEqualTo("200 hello from the node test");
        assertThat(wakes(node, "tiers", "clone_template")).isGreaterThanOrEqualTo(2);
    }

    /** Sends service "tiers" a request that wakes it by {@code path}; that wake's trace once it is counted. */
    private WakeTrace wokenBy(String path) throws Exception {
        double before = wakes(node, "tiers", path);
        assertThat(get(node, "tiers", "/")).isEqualTo("200 hello from the node test");
        await(() -> wakes(node, "tiers", path) >= before + 1, Duration.ofSeconds(10));
        WakeTrace trace = node.lastWake("tiers").orElseThrow();
        assertThat(trace.path()).isEqualTo(path);
        return trace;
    }

    /** The router's marks of a waited request from its grant on are in order: granted, sent, first byte, ended. */
    private static void assertAnsweredInOrder(WaitedRequest r) {
        assertInOrder(r.grantedNanos(), r.sentNanos(), r.firstByteNanos(), r.endedNanos());
    }

    /** Every mark was taken (not 0) and none before the one it follows. */
    private static void assertInOrder(long... nanos) {
        for (int i = 0; i < nanos.length; i++) {
            assertThat(nanos[i]).as("mark %d of %d taken", i + 1, nanos.length).isNotZero();
            if (i > 0) {
                assertThat(nanos[i]).as("mark %d not before mark %d", i + 1, i).isGreaterThanOrEqualTo(nanos[i - 1]);
            }
        }
    }
}
