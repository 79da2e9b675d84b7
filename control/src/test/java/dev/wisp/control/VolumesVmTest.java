package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.image.ImageStore;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stateful service on real microVMs through the API: what revision 1 wrote to its volume,
 * revision 2 reads; a write survives the instance going to a standby snapshot and back; the
 * volume cannot be removed while a service uses it.
 */
class VolumesVmTest {
    @TempDir
    Path scratch;

    @Test
    void volumeKeepsWrites_acrossARevisionAndAStandbySnapshot() throws Exception {
        VmTests.assume();
        try (ControlPlane cp =
                ControlPlane.start(Guests.config(scratch.resolve("data")).withStopOnClose(true))) {
            Http http = new Http(cp.apiUrl());
            String admin = Files.readString(cp.adminTokenFile()).trim();
            Http.Answer tooSmall = http.post("/v1/volumes", admin, "{\"name\":\"notes\",\"size\":\"1M\"}");
            assertThat(tooSmall.status()).isEqualTo(400);
            assertThat(tooSmall.body()).contains("size must be 16M to 1T");
            Http.Answer made = http.created("/v1/volumes", admin, "{\"name\":\"notes\",\"size\":\"32M\"}");
            assertThat(made.json().path("sizeBytes").asLong()).isEqualTo(32L << 20);

            String v1 = upload(http, admin, "v1");
            http.created("/v1/services", admin, """
                    {"name": "keeper", "image": "%s", "resources": {"memoryMiB": 128},
                     "volumes": [{"name": "notes", "path": "/data"}],
                     "standby": {"policy": "snapshot", "pauseAfter": "1s", "snapshotAfter": "2s"}}""".formatted(v1));
            Guests.awaitServing(http, admin, "keeper", 1, Duration.ofSeconds(180));
            assertThat(app(cp, "/cgi-bin/write?one")).isEqualTo("written");

            Http.Answer busy = http.send("DELETE", "/v1/volumes/notes", admin, null);
            assertThat(busy.status()).isEqualTo(409);
            assertThat(busy.body()).contains("attached to service(s) keeper");
            assertThat(http.get("/v1/volumes", admin).body()).contains("\"usedBy\":[\"keeper\"]");

            String v2 = upload(http, admin, "v2");
            http.send("POST", "/v1/services/keeper/deploy", admin, "{\"image\":\"" + v2 + "\"}");
            Guests.awaitServing(http, admin, "keeper", 2, Duration.ofSeconds(180));
            assertThat(app(cp, "/")).isEqualTo("v2");
            assertThat(app(cp, "/cgi-bin/read"))
                    .as("revision 2 reads revision 1's write")
                    .isEqualTo("one");
            assertThat(app(cp, "/cgi-bin/write?two")).isEqualTo("written");

            Guests.await(
                    Duration.ofSeconds(120),
                    "keeper's instance snapshotted",
                    () -> http.get("/v1/services/keeper", admin)
                                    .json()
                                    .path("status")
                                    .path("instances")
                                    .path("snapshotted")
                                    .asInt()
                            == 1);
            assertThat(app(cp, "/cgi-bin/read")).as("after a standby snapshot").isEqualTo("one\ntwo");
        }
    }

    private String upload(Http http, String admin, String version) throws Exception {
        Path app = HttpdApp.in(scratch.resolve(version))
                .page(version + "\n")
                .cgi("write", HttpdApp.CGI_TEXT + "echo \"$QUERY_STRING\" >> /data/notes && echo written\n")
                .cgi("read", HttpdApp.CGI_TEXT + "cat /data/notes\n")
                .build(new ImageStore(scratch.resolve("build-home")))
                .dir();
        return http.uploadImage(admin, app);
    }

    private static String app(ControlPlane cp, String path) {
        Http.Answer a = Http.viaRouter(cp.routerPort(), "keeper.localhost", path, null);
        assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
        return a.body().trim();
    }
}
