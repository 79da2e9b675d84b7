package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.DockerRegistry;
import dev.wisp.image.RegistryLogins;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy from a registry behind HTTPS with a self-signed certificate and basic auth (a real
 * docker-registry): the server's {@code registry login} (in its own home here) holds the user, the
 * password and the CA file; wrong credentials are refused first, leaving nothing in the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class OciTlsRegistryVmTest {
    @TempDir
    static Path scratch;

    DockerRegistry registry;
    ControlPlane cp;
    Http http;
    String token;
    Path home;

    @BeforeAll
    void start() throws Exception {
        Path layout = OciPulls.buildLayout(scratch);
        registry = DockerRegistry.startTls(scratch.resolve("registry"));
        registry.push(layout, "base", "secure/web:1");
        home = Files.createDirectories(scratch.resolve("home"));
        cp = ControlPlane.start(Guests.reachingLoopback(Guests.config(scratch.resolve("data"), home)));
        http = new Http(cp.apiUrl());
        token = http.tenantToken(Guests.adminToken(cp), "acme");
    }

    @AfterAll
    void stop() throws Exception {
        Closeables.closeAll(cp, registry);
    }

    @Test
    void loginWithCaFile_pullsOverTlsAndTheDeployAnswers_wrongPasswordRefusedFirst() throws Exception {
        String body = "{\"ref\":\"" + registry.host() + "/secure/web:1\"}";
        RegistryLogins logins = new RegistryLogins(home);

        logins.save(registry.host(), DockerRegistry.USER, "wrong", registry.caFile());
        Http.Answer refused = http.post("/v1/images/pull", token, body);
        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.body()).contains("registry_refused").contains("refused the credentials of user 'wisp'");
        assertThat(OciPulls.leftovers(scratch.resolve("data"))).isZero();

        logins.save(registry.host(), DockerRegistry.USER, DockerRegistry.PASSWORD, registry.caFile());
        Http.Answer pulled = http.post("/v1/images/pull", token, body);
        assertThat(pulled.status()).as(pulled.body()).isEqualTo(201);
        Http.Answer created = http.post(
                "/v1/services",
                token,
                "{\"name\":\"web\",\"image\":\"" + pulled.json().path("id").asText()
                        + "\",\"resources\":{\"memoryMiB\":192}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Guests.awaitServing(http, token, "web", 1, Duration.ofSeconds(240));
        assertThat(OciPulls.getWeb(cp, "/")).isEqualTo("base page\n 200");
        assertThat(OciPulls.leftovers(scratch.resolve("data"))).isZero();
    }
}
