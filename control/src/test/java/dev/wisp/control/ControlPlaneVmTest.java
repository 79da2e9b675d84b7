package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.image.KernelMemory;
import dev.wisp.testing.Hey;
import dev.wisp.testing.VmTests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform end to end with real microVMs: images uploaded as tars, a service deployed and
 * reached through the router, a redeploy and a rollback under load from hey with no failed
 * request, tenant isolation at the router, a restart that finds everything (standby snapshots
 * included), and a delete. One control plane, steps in order.
 */
@StepwiseVmTest
class ControlPlaneVmTest extends SharedControlPlane {
    @TempDir
    static Path scratch;

    String acme;
    String globex;
    String v1;
    String v2;

    @BeforeAll
    void setUp() throws Exception {
        start(Guests.config(scratch.resolve("data")));
        acme = http.tenantToken(admin, "acme");
        globex = http.tenantToken(admin, "globex");
        v1 = http.uploadImage(acme, Guests.image(scratch, "v1"));
        v2 = http.uploadImage(acme, Guests.image(scratch, "v2"));
    }

    private String page(String token) {
        Http.Answer a = Http.viaRouter(cp.routerPort(), "web.acme.localhost", "/", token);
        return a.status() + " " + a.body().trim();
    }

    private void awaitServing(int revision) throws InterruptedException {
        Guests.awaitServing(http, acme, "web", revision, Duration.ofSeconds(180));
    }

    @Test
    @Order(1)
    void create_servesThroughTheRouterWithItsEnvironment() throws Exception {
        http.created(
                "/v1/services",
                acme,
                "{\"name\":\"web\",\"image\":\"" + v1
                        + "\",\"env\":{\"GREETING\":\"hello-acme\"},\"resources\":{\"memoryMiB\":192}}");
        awaitServing(1);
        assertThat(page(null)).isEqualTo("200 v1");
        Process curl = new ProcessBuilder(
                        "curl",
                        "-s",
                        "-H",
                        "Host: web.acme.localhost",
                        "http://127.0.0.1:" + cp.routerPort() + "/cgi-bin/env")
                .start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor()).isZero();
        assertThat(out).contains("greeting=hello-acme");
        JsonNode revs = http.get("/v1/services/web/revisions", acme).json().path("items");
        assertThat(revs.get(0).path("state").asText()).isEqualTo("serving");
        // The dashboard finds the service's series on /metrics by the names the service lists.
        JsonNode nodeServices = http.get("/v1/services/web", acme).json().path("nodeServices");
        assertThat(nodeServices).hasSize(1);
        assertThat(http.get("/metrics", admin).body())
                .contains("service=\"" + nodeServices.get(0).asText() + "\",status=\"2xx\"}");
    }

    @Test
    @Order(1)
    void memoryBelowTheKernelsFloor_isRefusedNamingTheFloor() {
        int floor = KernelMemory.floorMib(VmTests.kernel().vmlinux());
        Http.Answer a = http.post(
                "/v1/services",
                acme,
                "{\"name\":\"tiny\",\"image\":\"" + v1 + "\",\"resources\":{\"memoryMiB\":" + (floor - 1) + "}}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).contains("memoryMiB must be in [" + floor + ", 65536], was " + (floor - 1));
    }

    @Test
    @Order(2)
    void foreignTenantToken_gets404AtTheRouter_privateServiceNeedsItsOwnToken() {
        assertThat(page(globex)).startsWith("404");
        assertThat(page(acme)).isEqualTo("200 v1");
        assertThat(Http.viaRouter(cp.routerPort(), "web.globex.localhost", "/", globex)
                        .status())
                .isEqualTo(404);
        assertThat(http.send("PATCH", "/v1/services/web", acme, "{\"access\":\"private\"}")
                        .status())
                .isEqualTo(200);
        try {
            cp.reconcileNow();
            assertThat(page(null)).startsWith("404");
            assertThat(page(globex)).startsWith("404");
            assertThat(page("wisp_" + "c".repeat(32))).startsWith("404");
            assertThat(page(acme)).isEqualTo("200 v1");
        } finally {
            assertThat(http.send("PATCH", "/v1/services/web", acme, "{\"access\":\"public\"}")
                            .status())
                    .isEqualTo(200);
            cp.reconcileNow();
        }
        assertThat(page(null)).isEqualTo("200 v1");
    }

    @Test
    @Order(3)
    void redeployUnderLoad_movesTrafficWithNoFailedRequest() throws Exception {
        underLoad(Duration.ofMillis(1500), () -> {
            Http.Answer d = http.post("/v1/services/web/deploy", acme, "{\"image\":\"" + v2 + "\"}");
            assertThat(d.status()).as(d.body()).isEqualTo(202);
            assertThat(d.json().path("number").asInt()).isEqualTo(2);
            awaitServing(2);
        });
        assertThat(page(null)).isEqualTo("200 v2");
    }

    @Test
    @Order(4)
    void rollbackUnderLoad_movesTrafficBackWithNoFailedRequest() throws Exception {
        underLoad(Duration.ofMillis(1000), () -> {
            assertThat(http.post("/v1/services/web/rollback", acme, "{\"revision\":1}")
                            .status())
                    .isEqualTo(202);
            awaitServing(1);
        });
        assertThat(page(null)).isEqualTo("200 v1");
    }

    @Test
    @Order(5)
    void scalingChangeUnderLoad_redeploysTheServingRevisionWithNoFailedRequest() throws Exception {
        String before = NodeKeys.key("acme", "web", 1, 0);
        String after = NodeKeys.key("acme", "web", 1, 1);
        assertThat(cp.node().status(before)).isPresent();
        underLoad(Duration.ofMillis(1000), () -> {
            Http.Answer patched = http.send("PATCH", "/v1/services/web", acme, "{\"scaling\":{\"max\":3}}");
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            Guests.await(
                    Duration.ofSeconds(180),
                    "the new settings serving and the old node service gone",
                    () -> cp.node().status(after).isPresent()
                            && cp.node().status(before).isEmpty());
        });
        assertThat(page(null)).isEqualTo("200 v1");
        assertThat(http.get("/v1/services/web", acme)
                        .json()
                        .path("scaling")
                        .path("max")
                        .asInt())
                .isEqualTo(3);
    }

    /** A change made while hey GETs web.acme, with {@code settle} of load before and after it. */
    private interface Change {
        void make() throws Exception;
    }

    /** Makes {@code change} under load from hey; every request must be answered 200. */
    private void underLoad(Duration settle, Change change) throws Exception {
        Hey.Load load = Hey.start(cp.routerPort(), "web.acme.localhost");
        Thread.sleep(settle.toMillis());
        change.make();
        Thread.sleep(settle.toMillis());
        assertAllOk(load.stop());
    }

    private static void assertAllOk(String report) {
        Matcher total = Pattern.compile("\\[(\\d{3})\\]\\s+(\\d+) responses").matcher(report);
        int ok = 0;
        while (total.find()) {
            assertThat(total.group(1))
                    .as("status codes in hey's report:\n" + report)
                    .isEqualTo("200");
            ok += Integer.parseInt(total.group(2));
        }
        assertThat(ok).as("requests answered 200:\n" + report).isGreaterThan(10);
        assertThat(report).as(report).doesNotContain("Error distribution");
        System.out.println("hey: " + ok + " x 200"
                + report.lines()
                        .filter(l -> l.contains("Requests/sec") || l.contains("Slowest") || l.contains("99% in"))
                        .map(String::trim)
                        .toList());
    }

    @Test
    @Order(6)
    void restart_findsServicesRevisionsAndStandbySnapshots_leavesNoQemu() throws Exception {
        cp.close();
        long me = ProcessHandle.current().pid();
        assertThat(Guests.qemuOf(me)).as("QEMU processes left after close").isEmpty();
        Path standby = scratch.resolve("data/node/standby");
        try (var dirs = Files.walk(standby)) {
            assertThat(dirs.filter(Files::isRegularFile).count())
                    .as("standby snapshot files")
                    .isPositive();
        }
        startAgain();
        JsonNode svc = http.get("/v1/services/web", acme).json();
        assertThat(svc.path("revision").asInt()).isEqualTo(1);
        assertThat(svc.path("latestRevision").asInt()).isEqualTo(2);
        assertThat(http.get("/v1/services/web/revisions", acme).json().path("items"))
                .hasSize(2);
        JsonNode instances = http.get("/v1/services/web/instances", acme).json().path("items");
        assertThat(instances.findValuesAsText("tier")).as(instances.toString()).contains("snapshotted");
        assertThat(page(null)).isEqualTo("200 v1");
        Guests.await(
                Duration.ofSeconds(10),
                "a wake event",
                () -> http.get("/v1/services/web/events", acme).body().contains("restore_snapshot"));
    }

    @Test
    @Order(7)
    void delete_stopsInstancesAndRemovesSnapshots() throws Exception {
        assertThat(http.send("DELETE", "/v1/services/web", acme, null).status()).isEqualTo(204);
        assertThat(page(null)).startsWith("404");
        assertThat(cp.node().services()).isEmpty();
        try (var dirs = Files.walk(scratch.resolve("data/node"))) {
            assertThat(dirs.filter(Files::isRegularFile)
                            .filter(f -> !f.toString().contains("/vmm"))
                            .map(Path::toString)
                            .toList())
                    .as("files left in the node's state")
                    .isEmpty();
        }
        assertThat(http.get("/v1/services/web", acme).status()).isEqualTo(404);
    }
}
