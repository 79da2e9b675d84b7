package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy whose app exits at once, on a real control plane with real microVMs: the revision is
 * failed with the reason and the console's last lines (API, events), its starts are spaced by
 * back-off, a request gets 503 with the reason at once, and a fixed deploy serves.
 */
class FailedDeployVmTest extends SharedControlPlane {
    @TempDir
    static Path scratch;

    @BeforeAll
    void setUp() throws Exception {
        VmTests.assume();
        start(Guests.config(scratch.resolve("data")));
    }

    private JsonNode revision(int n) {
        for (JsonNode r :
                http.get("/v1/services/broken/revisions", admin).json().path("items")) {
            if (r.path("number").asInt() == n) {
                return r;
            }
        }
        return null;
    }

    @Test
    void appExitingAtOnce_revisionFailsWithReasonAndConsole_requestsGet503AtOnce_fixedDeployServes() throws Exception {
        Path app = scratch.resolve("crash");
        Files.createDirectories(app);
        Files.writeString(app.resolve("README"), "exits at once\n");
        Image crash = ImageBuilder.fromFolder(app)
                .entrypoint("echo giving up now; exit 3")
                .port(8080)
                .build(VmTests.kernel(), new ImageStore(scratch.resolve("build-home")));
        String crashId = http.uploadImage(admin, crash.dir());
        http.created(
                "/v1/services",
                admin,
                "{\"name\":\"broken\",\"image\":\"" + crashId + "\",\"resources\":{\"memoryMiB\":128}}");

        Guests.await(Duration.ofSeconds(300), "revision 1 failed", () -> {
            JsonNode r = revision(1);
            return r != null && "failed".equals(r.path("state").asText());
        });
        JsonNode rev = revision(1);
        assertThat(rev.path("message").asText())
                .contains("3 starts failed in a row")
                .contains("entrypoint exited with code 3 before it was ready");
        JsonNode failure = rev.path("failure");
        assertThat(failure.path("reason").asText()).contains("entrypoint exited with code 3 before it was ready");
        assertThat(failure.path("console").toString()).contains("giving up now");
        assertThat(failure.path("attempts").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(Instant.parse(failure.path("retryAt").asText()))
                .isAfterOrEqualTo(Instant.parse(failure.path("at").asText()).plusSeconds(4));
        JsonNode service = http.get("/v1/services/broken", admin).json();
        assertThat(service.at("/failure/revision").asInt()).isEqualTo(1);
        assertThat(service.at("/failure/state").asText()).isEqualTo("failed");
        assertThat(service.at("/status/ready").asBoolean()).isFalse();

        // One event per failed start, spaced at least by the back-off (1 s, 2 s) plus a boot; then one failure.
        List<Instant> startFailures = new ArrayList<>();
        int failedEvents = 0;
        for (JsonNode e : http.get("/v1/services/broken/events", admin).json().path("items")) {
            if ("revision.start_failed".equals(e.path("kind").asText())) {
                startFailures.add(Instant.parse(e.path("at").asText()));
                assertThat(e.path("detail").asText())
                        .contains("revision 1: start ")
                        .contains("entrypoint exited with code 3");
            } else if ("revision.failed".equals(e.path("kind").asText())) {
                failedEvents++;
            }
        }
        assertThat(failedEvents).isEqualTo(1);
        assertThat(startFailures).hasSizeGreaterThanOrEqualTo(3);
        assertThat(Duration.between(startFailures.get(0), startFailures.get(1)))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.between(startFailures.get(1), startFailures.get(2)))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));

        // Requests get the reason at once, not the router's 30 s queue timeout (a generous bound for a busy host).
        long t0 = System.nanoTime();
        Http.Answer a = Http.viaRouter(cp.routerPort(), "broken.localhost", "/", null);
        double took = (System.nanoTime() - t0) / 1e9;
        assertThat(a.status()).as(a.body()).isEqualTo(503);
        assertThat(a.body()).contains("\"error\":\"service_unavailable\"").contains("entrypoint exited with code 3");
        assertThat(took).as("seconds to the 503").isLessThan(10);

        // A fixed image deployed as revision 2 serves; revision 1 stays failed.
        String fixed = http.uploadImage(admin, Guests.image(scratch, "fixed"));
        Http.Answer deployed = http.post("/v1/services/broken/deploy", admin, "{\"image\":\"" + fixed + "\"}");
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(202);
        Guests.awaitServing(http, admin, "broken", 2, Duration.ofSeconds(180));
        Http.Answer page = Http.viaRouter(cp.routerPort(), "broken.localhost", "/", null);
        assertThat(page.status() + " " + page.body().trim()).isEqualTo("200 fixed");
        assertThat(revision(1).path("state").asText()).isEqualTo("failed");
        assertThat(revision(2).has("failure")).isFalse();
        assertThat(http.get("/v1/services/broken", admin).json().has("failure")).isFalse();
    }
}
