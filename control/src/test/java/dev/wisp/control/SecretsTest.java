package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.Closeables;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's secrets against a real control plane (store, node, reconciler; no VM boots:
 * {@link EnvSecretsVmTest} checks what the app sees): set, list, remove; values never answered nor
 * stored in plain text; services take them by name at create and deploy; tenants see only theirs.
 */
class SecretsTest {
    @TempDir
    Path scratch;

    Path data;
    ControlPlane cp;
    Http http;
    String admin;

    @BeforeEach
    void start() throws Exception {
        data = scratch.resolve("data");
        cp = ControlPlane.start(Guests.noVmConfig(scratch, data));
        http = new Http(cp.apiUrl());
        admin = Guests.adminToken(cp);
    }

    @AfterEach
    void stop() throws Exception {
        Closeables.closeAll(cp);
    }

    private String image(String token) throws Exception {
        Path img = TestImages.unbootable(scratch.resolve("img-" + token.hashCode()), 7);
        return http.uploadImage(token, img);
    }

    @Test
    void setListRemove_showsNamesAndDigestsNeverValues() throws Exception {
        String value = EnvSecretsTest.secret();
        String other = EnvSecretsTest.secret();

        Http.Answer created = http.put("/v1/secrets/DB_PASSWORD", admin, "{\"value\":\"" + value + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String digest = created.json().path("digest").asText();
        assertThat(digest).matches("[0-9a-f]{16}");
        Http.Answer same = http.put("/v1/secrets/DB_PASSWORD", admin, "{\"value\":\"" + value + "\"}");
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().path("digest").asText()).isEqualTo(digest);
        Http.Answer changed = http.put("/v1/secrets/DB_PASSWORD", admin, "{\"value\":\"" + other + "\"}");
        assertThat(changed.json().path("digest").asText()).isNotEqualTo(digest);
        assertThat(changed.json().path("createdAt").asText())
                .isEqualTo(created.json().path("createdAt").asText());

        Http.Answer list = http.get("/v1/secrets", admin);
        assertThat(list.json().path("items").findValuesAsText("name")).containsExactly("DB_PASSWORD");
        for (Http.Answer a : new Http.Answer[] {created, same, changed, list}) {
            assertThat(a.body()).doesNotContain(value).doesNotContain(other).doesNotContain("v1:");
        }
        assertThat(EnvSecretsTest.filesContaining(data, value, other)).isEmpty();

        assertThat(http.send("DELETE", "/v1/secrets/DB_PASSWORD", admin, null).status())
                .isEqualTo(204);
        assertThat(http.get("/v1/secrets", admin).json().path("items").size()).isZero();
        Http.Answer gone = http.send("DELETE", "/v1/secrets/DB_PASSWORD", admin, null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).contains("no secret 'DB_PASSWORD'");
        cp.close();
        assertThat(EnvSecretsTest.filesContaining(data, value, other)).isEmpty();
    }

    @Test
    void badNamesAndValues_areRefusedWithTheRule() throws Exception {
        Http.Answer lower = http.put("/v1/secrets/db", admin, "{\"value\":\"x\"}");
        assertThat(lower.status()).isEqualTo(400);
        assertThat(lower.body()).contains("must be 1-64 of A-Z, 0-9 and '_'");
        Http.Answer quote = http.put("/v1/secrets/A", admin, "{\"value\":\"a\\\"b\"}");
        assertThat(quote.status()).isEqualTo(400);
        assertThat(quote.body()).contains("at most 256 printable ASCII");
        Http.Answer long_ = http.put("/v1/secrets/A", admin, "{\"value\":\"" + "x".repeat(257) + "\"}");
        assertThat(long_.status()).isEqualTo(400);
        Http.Answer noValue = http.put("/v1/secrets/A", admin, "{}");
        assertThat(noValue.status()).isEqualTo(400);
        assertThat(noValue.body()).contains("value is required");
        Http.Answer extra = http.put("/v1/secrets/A", admin, "{\"value\":\"x\",\"plain\":true}");
        assertThat(extra.status()).isEqualTo(400);
        assertThat(http.get("/v1/secrets", admin).json().path("items").size()).isZero();
    }

    @Test
    void servicesTakeSecretsByName_atCreateAndDeploy_asSealedEnv() throws Exception {
        String first = EnvSecretsTest.secret();
        String second = EnvSecretsTest.secret();
        String img = image(admin);
        http.put("/v1/secrets/DB_PASSWORD", admin, "{\"value\":\"" + first + "\"}");

        Http.Answer missing =
                http.post("/v1/services", admin, "{\"name\":\"db\",\"image\":\"" + img + "\",\"secrets\":[\"NOPE\"]}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("no secret 'NOPE' in tenant 'default'");
        Http.Answer both = http.post(
                "/v1/services",
                admin,
                "{\"name\":\"db\",\"image\":\"" + img
                        + "\",\"env\":{\"PASS\":\"x\"},\"secrets\":[\"PASS=DB_PASSWORD\"]}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.body()).contains("env PASS is given both as a value and as a secret");
        assertThat(http.get("/v1/services", admin).json().path("items").size())
                .as("nothing created by refused requests")
                .isZero();

        Http.Answer created = http.post(
                "/v1/services",
                admin,
                "{\"name\":\"db\",\"image\":\"" + img
                        + "\",\"env\":{\"MODE\":\"ro\"},\"secrets\":[\"PASS=DB_PASSWORD\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("envNames").toString()).isEqualTo("[\"MODE\",\"PASS\"]");
        EnvCipher key = EnvCipher.load(data.resolve(EnvCipher.KEY_FILE));
        assertThat(revision(1).openEnv(key)).isEqualTo(Map.of("MODE", "ro", "PASS", first));

        // A changed secret reaches the service at its next deploy that names it; the kept env stays.
        http.put("/v1/secrets/DB_PASSWORD", admin, "{\"value\":\"" + second + "\"}");
        Http.Answer redeployed = http.post("/v1/services/db/deploy", admin, "{\"secrets\":[\"PASS=DB_PASSWORD\"]}");
        assertThat(redeployed.status()).as(redeployed.body()).isEqualTo(202);
        assertThat(revision(2).openEnv(key)).isEqualTo(Map.of("MODE", "ro", "PASS", second));
        assertThat(revision(1).openEnv(key))
                .as("the older revision keeps its value")
                .containsEntry("PASS", first);
        assertThat(EnvSecretsTest.filesContaining(data, first, second)).isEmpty();
    }

    @Test
    void aTenantSeesAndUsesOnlyItsOwnSecrets_andTheyGoWithIt() throws Exception {
        String value = EnvSecretsTest.secret();
        String acme = http.tenantToken(admin, "acme");
        String globex = http.tenantToken(admin, "globex");
        assertThat(http.put("/v1/secrets/TOKEN", acme, "{\"value\":\"" + value + "\"}")
                        .status())
                .isEqualTo(201);

        assertThat(http.get("/v1/secrets", globex).json().path("items").size()).isZero();
        assertThat(http.send("DELETE", "/v1/secrets/TOKEN", globex, null).status())
                .isEqualTo(404);
        String img = image(globex);
        Http.Answer stolen = http.post(
                "/v1/services", globex, "{\"name\":\"thief\",\"image\":\"" + img + "\",\"secrets\":[\"TOKEN\"]}");
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.body()).contains("no secret 'TOKEN' in tenant 'globex'");

        assertThat(http.send("DELETE", "/v1/tenants/acme", admin, null).status())
                .isEqualTo(204);
        assertThat(cp.store().range(Secrets.PREFIX).kvs()).isEmpty();
    }

    private RevisionRecord revision(int n) {
        return EnvSecretsTest.storedRevision(cp, "db", n);
    }
}
