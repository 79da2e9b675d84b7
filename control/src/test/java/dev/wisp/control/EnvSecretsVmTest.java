package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.image.ImageStore;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret env values with real microVMs, one given as a value and one as a tenant secret
 * ({@code /v1/secrets}): the app sees both, before and after a control-plane
 * restart (instances stopped at close, so the second start boots from the spec the reconciler
 * decrypts), while no API answer and no file of the store, images or keys shows it.
 */
class EnvSecretsVmTest {
    @TempDir
    Path scratch;

    @Test
    void secretReachesTheApp_acrossARestart_butNoAnswerNorStoredFile() throws Exception {
        VmTests.assume();
        Path data = scratch.resolve("data");
        String secret = EnvSecretsTest.secret();
        String mode = EnvSecretsTest.secret();
        Path app = secretApp();
        try (ControlPlane cp = ControlPlane.start(Guests.config(data).withStopOnClose(true))) {
            Http http = new Http(cp.apiUrl());
            String admin = Guests.adminToken(cp);
            String image = http.uploadImage(admin, app);
            Http.Answer set = http.put("/v1/secrets/DB_PASSWORD", admin, "{\"value\":\"" + secret + "\"}");
            assertThat(set.status()).as(set.body()).isEqualTo(201);
            // One value as a plain env value, one as a tenant secret: both reach the app as env.
            Http.Answer created = http.created(
                    "/v1/services",
                    admin,
                    "{\"name\":\"vault\",\"image\":\"" + image + "\",\"env\":{\"MODE\":\"" + mode
                            + "\"},\"secrets\":[\"SECRET=DB_PASSWORD\"],\"resources\":{\"memoryMiB\":192}}");
            awaitServing(http, admin);
            assertThat(appSees(cp)).isEqualTo("secret=" + secret + " mode=" + mode);
            for (String path : List.of(
                    "/v1/secrets",
                    "/v1/services",
                    "/v1/services/vault",
                    "/v1/services/vault/revisions",
                    "/v1/services/vault/events",
                    "/v1/services/vault/instances")) {
                assertThat(http.get(path, admin).body())
                        .as(path)
                        .doesNotContain(secret)
                        .doesNotContain(mode);
            }
            assertThat(created.body() + set.body()).doesNotContain(secret).doesNotContain(mode);
            assertThat(storedFilesWith(data, secret)).isEmpty();
            assertThat(storedFilesWith(data, mode)).isEmpty();
        }
        assertThat(EnvSecretsTest.filesContaining(data, secret))
                .as("after close")
                .isEmpty();
        try (ControlPlane cp = ControlPlane.start(Guests.config(data).withStopOnClose(true))) {
            Http http = new Http(cp.apiUrl());
            String admin = Guests.adminToken(cp);
            awaitServing(http, admin);
            assertThat(appSees(cp)).as("a fresh VM after the restart").isEqualTo("secret=" + secret + " mode=" + mode);
            assertThat(http.get("/v1/services/vault", admin)
                            .json()
                            .path("envNames")
                            .toString())
                    .isEqualTo("[\"MODE\",\"SECRET\"]");
            assertThat(storedFilesWith(data, secret)).as("after a restart").isEmpty();
        }
        EnvSecretsTest.assertDataDirectoryPrivate(data);
    }

    /**
     * Files under the data directory holding the value, but a VM's memory and saved state: the app
     * holds its environment in its RAM, which the node keeps in files while instances or templates
     * exist (protected by the directory's mode, not encrypted). Snapshot metadata and manifests
     * beside them must not hold it.
     */
    private static List<Path> storedFilesWith(Path data, String secret) throws Exception {
        List<Path> all = EnvSecretsTest.filesContaining(data, secret);
        System.out.println("files holding the value: " + all);
        return all.stream()
                .filter(p -> !Set.of("memory.bin", "state.bin")
                        .contains(p.getFileName().toString()))
                .toList();
    }

    private static void awaitServing(Http http, String admin) throws InterruptedException {
        Guests.awaitServing(http, admin, "vault", 1, Duration.ofSeconds(180));
    }

    private static String appSees(ControlPlane cp) {
        Http.Answer a = Http.viaRouter(cp.routerPort(), "vault.localhost", "/cgi-bin/secret", null);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.body().trim();
    }

    /** busybox httpd with a CGI script printing the SECRET variable it was started with. */
    private Path secretApp() {
        return HttpdApp.in(scratch.resolve("app"))
                .page("vault\n")
                .cgi("secret", HttpdApp.CGI_TEXT + "echo \"secret=$SECRET mode=$MODE\"\n")
                .build(new ImageStore(scratch.resolve("build-home")))
                .dir();
    }
}
