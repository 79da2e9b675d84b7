package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.DockerRegistry;
import dev.wisp.image.RegistryLogins;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
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

    OciPulls bed;
    Path home;

    @BeforeAll
    void start() throws Exception {
        home = Files.createDirectories(scratch.resolve("home"));
        bed = OciPulls.start(scratch, true, home);
        bed.registry.push(bed.layout, "base", "secure/web:1");
    }

    @AfterAll
    void stop() throws Exception {
        Closeables.closeAll(bed);
    }

    @Test
    void loginWithCaFile_pullsOverTlsAndTheDeployAnswers_wrongPasswordRefusedFirst() throws Exception {
        String body = "{\"ref\":\"" + bed.registry.host() + "/secure/web:1\"}";
        RegistryLogins logins = new RegistryLogins(home);

        logins.save(bed.registry.host(), DockerRegistry.USER, "wrong", bed.registry.caFile());
        Http.Answer refused = bed.pull(body);
        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.body()).contains("registry_refused").contains("refused the credentials of user 'wisp'");
        assertThat(bed.leftovers()).isZero();

        logins.save(bed.registry.host(), DockerRegistry.USER, DockerRegistry.PASSWORD, bed.registry.caFile());
        Http.Answer pulled = bed.pull(body);
        assertThat(pulled.status()).as(pulled.body()).isEqualTo(201);
        Http.Answer created = bed.http.post(
                "/v1/services",
                bed.token,
                "{\"name\":\"web\",\"image\":\"" + pulled.json().path("id").asText()
                        + "\",\"resources\":{\"memoryMiB\":192}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        bed.awaitServing(1);
        assertThat(bed.getWeb("/")).isEqualTo("base page\n 200");
        assertThat(bed.leftovers()).isZero();
    }
}
