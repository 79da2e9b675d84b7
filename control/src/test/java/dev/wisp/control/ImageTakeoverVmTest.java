package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.functions.FunctionImages;
import dev.wisp.functions.FunctionRuntime;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image takeover of issue 10 against a real control plane and real microVMs: an attacker
 * tenant uploads its own app (on an ext4 disk) under an image.json that claims the id the victim's
 * app builds to (ids are predictable: the same folder gives the same id everywhere), before and
 * after the victim uploads it, and under the id the victim's function image will have. The
 * victim's service and function must still run the victim's code, which never sees the attacker's.
 */
@StepwiseVmTest
class ImageTakeoverVmTest extends SharedControlPlane {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cret-of-the-victim";
    private static final String FN_HANDLER = "echo 'Content-Type: text/plain'\necho\necho victim-function\n";

    @TempDir
    static Path scratch;

    String victim;
    String attacker;
    /** The victim's app, built locally as `wisp deploy --dir` would. */
    Path victimImage;

    String victimId;

    @BeforeAll
    void setUp() throws Exception {
        start(Guests.config(scratch.resolve("data")));
        victim = http.tenantToken(admin, "victim");
        attacker = http.tenantToken(admin, "attacker");
        victimImage = Guests.image(scratch, "victim-page");
        victimId = TestImages.id(victimImage);
    }

    /** The attacker's app: its page says so and its CGI prints the SECRET the service was given. */
    private Path attackerApp(String name) {
        return HttpdApp.in(scratch.resolve("evil-" + name))
                .page("attacker-code\n")
                .cgi("env", HttpdApp.CGI_TEXT + "echo \"stolen=$SECRET\"\n")
                .write();
    }

    /** The attacker's app built with a disk, its image.json rewritten to claim {@code id}/{@code digest}. */
    private Path forged(String name, String claimedId, String claimedDigest) throws IOException {
        Image evil = ImageBuilder.fromFolder(attackerApp(name))
                .entrypoint(HttpdApp.ENTRYPOINT)
                .disk(true)
                .build(VmTests.kernel(), new ImageStore(scratch.resolve("attacker-home-" + name)));
        assertThat(evil.disk()).isPresent();
        ObjectNode manifest =
                (ObjectNode) JSON.readTree(evil.dir().resolve("image.json").toFile());
        manifest.put("id", claimedId);
        manifest.put("digest", claimedDigest);
        Files.writeString(evil.dir().resolve("image.json"), JSON.writeValueAsString(manifest));
        return evil.dir();
    }

    private static String digestOf(Path imageDir) throws IOException {
        return JSON.readTree(imageDir.resolve("image.json").toFile())
                .path("digest")
                .asText();
    }

    private Http.Answer viaRouter(String host, String path) {
        return Http.viaRouter(cp.routerPort(), host, path, null);
    }

    private void awaitServing(String token, String service, int revision) throws InterruptedException {
        Guests.awaitServing(http, token, service, revision, Duration.ofSeconds(180));
    }

    @Test
    @Order(1)
    void forgedDiskImageClaimingTheVictimsId_isRefused_andTheVictimsDeployRunsTheVictimsApp() throws Exception {
        Http.Answer forgery = http.upload(attacker, TestImages.tar(forged("first", victimId, digestOf(victimImage))));
        assertThat(forgery.status())
                .as("the attacker's forged upload: " + forgery.body())
                .isEqualTo(400);
        assertThat(forgery.code()).isEqualTo("bad_request");
        assertThat(scratch.resolve("data/images/" + victimId)).doesNotExist();

        Http.Answer own = http.upload(victim, TestImages.tar(victimImage));
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        assertThat(own.json().path("id").asText()).isEqualTo(victimId);
        http.created(
                "/v1/services",
                victim,
                "{\"name\":\"hello\",\"image\":\"" + victimId + "\",\"env\":{\"SECRET\":\"" + SECRET
                        + "\",\"GREETING\":\"hi\"},\"resources\":{\"memoryMiB\":160}}");
        awaitServing(victim, "hello", 1);
        Http.Answer page = viaRouter("hello.victim.localhost", "/");
        assertThat(page.status() + " " + page.body().trim()).isEqualTo("200 victim-page");
        Http.Answer env = viaRouter("hello.victim.localhost", "/cgi-bin/env");
        assertThat(env.body()).contains("greeting=hi").doesNotContain(SECRET).doesNotContain("stolen");
    }

    @Test
    @Order(2)
    void forgedImageUnderAnExistingId_isRefused_andTheAttackerCannotNameTheVictimsImage() throws Exception {
        Http.Answer forgery = http.upload(attacker, TestImages.tar(forged("second", victimId, digestOf(victimImage))));
        assertThat(forgery.status()).as(forgery.body()).isEqualTo(400);
        assertThat(http.get("/v1/images", attacker).json().path("items").findValuesAsText("id"))
                .doesNotContain(victimId);
        Http.Answer steal = http.post("/v1/services", attacker, "{\"name\":\"thief\",\"image\":\"" + victimId + "\"}");
        assertThat(steal.status()).as(steal.body()).isEqualTo(404);
        assertThat(steal.code()).isEqualTo("not_found");
        // The stored image is still the victim's, byte for byte.
        try (Stream<Path> files = Files.list(victimImage)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().equals("image.json"))
                    .toList()) {
                assertThat(scratch.resolve("data/images/" + victimId).resolve(f.getFileName()))
                        .hasSameBinaryContentAs(f);
            }
        }
        assertThat(scratch.resolve("data/images/" + victimId + "/disk.ext4")).doesNotExist();
        assertThat(viaRouter("hello.victim.localhost", "/").body().trim()).isEqualTo("victim-page");
        // The same app uploaded honestly is an image of its own, under the id its bytes give.
        Image honest = ImageBuilder.fromFolder(attackerApp("honest"))
                .entrypoint(HttpdApp.ENTRYPOINT)
                .disk(true)
                .build(VmTests.kernel(), new ImageStore(scratch.resolve("attacker-home-honest")));
        Http.Answer own = http.upload(attacker, TestImages.tar(honest.dir()));
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        assertThat(own.json().path("id").asText()).isEqualTo(honest.id()).isNotEqualTo(victimId);
    }

    @Test
    @Order(3)
    void sameBytesUploadedByBothTenants_deletedByOne_keepWorkingForTheOther() throws Exception {
        Http.Answer copy = http.upload(attacker, TestImages.tar(victimImage));
        assertThat(copy.status()).as(copy.body()).isEqualTo(201);
        assertThat(copy.json().path("id").asText()).isEqualTo(victimId);
        assertThat(http.send("DELETE", "/v1/images/" + victimId, attacker, null).status())
                .isEqualTo(204);
        assertThat(http.get("/v1/images", victim).json().path("items").findValuesAsText("id"))
                .contains(victimId);
        // A new revision needs the image's files: its warm template boots from them.
        Http.Answer d = http.post(
                "/v1/services/hello/deploy",
                victim,
                "{\"env\":{\"SECRET\":\"" + SECRET + "\",\"GREETING\":\"again\"}}");
        assertThat(d.status()).as(d.body()).isEqualTo(202);
        awaitServing(victim, "hello", 2);
        assertThat(viaRouter("hello.victim.localhost", "/cgi-bin/env").body()).contains("greeting=again");
        assertThat(viaRouter("hello.victim.localhost", "/").body().trim()).isEqualTo("victim-page");
    }

    @Test
    @Order(4)
    void forgedImageUnderTheIdOfTheVictimsFunction_isRefused_andTheFunctionRunsTheVictimsHandler() throws Exception {
        Path handler = scratch.resolve("victim-handler.sh");
        Files.writeString(handler, FN_HANDLER);
        // The control plane builds function images into the same store that uploads go to.
        Image fn = FunctionImages.build(
                FunctionRuntime.SHELL,
                handler,
                null,
                List.of(),
                VmTests.kernel(),
                new ImageStore(scratch.resolve("fn-home")),
                scratch.resolve("fn-cache"));
        Http.Answer forgery = http.upload(attacker, TestImages.tar(forged("fn", fn.id(), fn.digest())));
        assertThat(forgery.status()).as(forgery.body()).isEqualTo(400);

        http.created(
                "/v1/functions",
                victim,
                "{\"name\":\"greet\",\"runtime\":\"shell\",\"handler\":" + JSON.writeValueAsString(FN_HANDLER) + "}");
        Http.Answer r = Http.send(HttpRequest.newBuilder(URI.create(cp.apiUrl() + "/v1/functions/greet/invoke"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + victim)
                .POST(HttpRequest.BodyPublishers.ofString("x", StandardCharsets.UTF_8))
                .build());
        assertThat(r.status() + " " + r.body().trim()).isEqualTo("200 victim-function");
        assertThat(http.send("DELETE", "/v1/functions/greet", victim, null).status())
                .isEqualTo(204);
    }
}
