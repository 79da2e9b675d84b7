package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.Closeables;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT /v1/services/{name}} against a real control plane (no VM boots): the body is the whole
 * service, so the same body twice makes no new revision, a changed image, env, secret, resources
 * or port makes one, and settings change in place.
 */
class ServiceApplyTest {
    @TempDir
    Path scratch;

    ControlPlane cp;
    Http http;
    String admin;
    /** An image the API accepts but no VM could boot (none boots here). */
    String image;

    @BeforeEach
    void start() throws Exception {
        cp = ControlPlane.start(Guests.noVmConfig(scratch, scratch.resolve("data")));
        http = new Http(cp.apiUrl());
        admin = Guests.adminToken(cp);
        image = http.uploadImage(admin, TestImages.unbootable(scratch.resolve("img"), 7));
    }

    @AfterEach
    void stop() throws Exception {
        Closeables.closeAll(cp);
    }

    @Test
    void sameBodyTwice_noNewRevision_changesMakeOneOnlyWhereNeeded() throws Exception {
        http.put("/v1/secrets/PASS", admin, "{\"value\":\"one\"}");
        String body = "{\"image\":\"" + image + "\",\"env\":{\"MODE\":\"a\"},\"secrets\":[\"PASS\"],"
                + "\"scaling\":{\"max\":3}}";

        Http.Answer created = http.put("/v1/services/app", admin, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Http.Answer again = http.put("/v1/services/app", admin, body);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("latestRevision").asInt()).isEqualTo(1);
        assertThat(again.json().path("envNames").toString()).isEqualTo("[\"MODE\",\"PASS\"]");

        // Settings only: in place.
        Http.Answer scaled = http.put("/v1/services/app", admin, body.replace("\"max\":3", "\"max\":4"));
        assertThat(scaled.json().path("latestRevision").asInt()).isEqualTo(1);
        assertThat(scaled.json().path("scaling").path("max").asInt()).isEqualTo(4);
        // Omitted settings are the defaults again, not "keep".
        Http.Answer defaults = http.put("/v1/services/app", admin, body.replace(",\"scaling\":{\"max\":3}", ""));
        assertThat(defaults.json().path("scaling").path("max").asInt()).isEqualTo(Scaling.DEFAULT.max());
        assertThat(defaults.json().path("latestRevision").asInt()).isEqualTo(1);

        // A changed secret value is a changed env: a new revision.
        http.put("/v1/secrets/PASS", admin, "{\"value\":\"two\"}");
        Http.Answer rotated = http.put("/v1/services/app", admin, body);
        assertThat(rotated.json().path("latestRevision").asInt()).isEqualTo(2);
        Http.Answer ported =
                http.put("/v1/services/app", admin, body.replace("{\"image\"", "{\"port\":9090,\"image\""));
        assertThat(ported.json().path("latestRevision").asInt()).isEqualTo(3);
        assertThat(http.put("/v1/services/app", admin, body.replace("{\"image\"", "{\"port\":9090,\"image\""))
                        .json()
                        .path("latestRevision")
                        .asInt())
                .isEqualTo(3);
        assertThat(http.get("/v1/services/app/revisions", admin)
                        .json()
                        .path("items")
                        .size())
                .isEqualTo(3);
    }

    @Test
    void badBodies_areRefusedAndChangeNothing() throws Exception {
        Http.Answer other = http.put("/v1/services/app", admin, "{\"name\":\"web\",\"image\":\"" + image + "\"}");
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.body()).contains("the body names service 'web', the path 'app'");
        Http.Answer noImage = http.put("/v1/services/app", admin, "{}");
        assertThat(noImage.status()).isEqualTo(400);
        assertThat(noImage.body()).contains("image is required");
        assertThat(http.put("/v1/services/app", admin, "{\"image\":\"" + image + "\",\"colour\":1}")
                        .status())
                .isEqualTo(400);
        assertThat(http.get("/v1/services", admin).json().path("items").size()).isZero();
    }
}
