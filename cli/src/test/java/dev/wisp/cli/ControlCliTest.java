package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The control-plane commands against a real control plane (store, API, node, router) whose guest
 * kernel is an empty file: everything but booting VMs. One control plane serves every test here;
 * the VM paths are in {@link ControlCliVmTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlCliTest {
    @RegisterExtension
    static final CliControlPlane plane = CliControlPlane.withoutVms();

    private CliRun wisp(String... args) {
        return plane.wisp(args);
    }

    /** Pushes an {@link #unbootableImage} made in the plane's folder {@code name}; returns its id. */
    private String pushUnbootable(String name, long seed) throws Exception {
        CliRun push = wisp(
                        "image",
                        "push",
                        unbootableImage(plane.dir().resolve(name), seed).toString(),
                        "--json")
                .ok();
        return push.json().get("id").asText();
    }

    /** An image folder the API accepts (manifest digest derived from its bytes) but no VM could boot. */
    private static Path unbootableImage(Path at, long seed) throws Exception {
        Files.createDirectories(at);
        byte[] initrd = new byte[8192];
        new Random(seed).nextBytes(initrd);
        Files.write(at.resolve("initrd.img"), initrd);
        String digest = dev.wisp.image.ImageDigest.of(
                "httpd",
                8080,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(initrd)),
                null);
        Files.writeString(
                at.resolve("image.json"),
                "{\"id\":\"" + digest.substring(0, 16) + "\",\"digest\":\"" + digest
                        + "\",\"entrypoint\":\"httpd\",\"port\":8080,\"kernelVersion\":\"test\",\"compression\":\"none\","
                        + "\"initrdBytes\":" + initrd.length + ",\"diskBytes\":0,\"build\":{\"source\":\"test\","
                        + "\"createdAt\":\"2026-01-01T00:00:00Z\"}}",
                StandardCharsets.UTF_8);
        return at;
    }

    @Test
    void tenantsAndTokens_createListUseAndRevoke() throws Exception {
        CliRun created = wisp(
                        "tenants",
                        "create",
                        "acme",
                        "--vcpus",
                        "2",
                        "--memory",
                        "512",
                        "--instances",
                        "2",
                        "--images",
                        "1")
                .ok();
        CliRun ls = wisp("tenants", "ls", "--json");
        assertThat(ls.json().findValuesAsText("name")).contains("acme", "default");
        assertThat(wisp("tenants", "ls").out()).containsPattern("acme\\s+2\\s+512\\s+2\\s+1");

        CliRun token = wisp("tokens", "create", "acme").ok();
        String acmeToken = token.out().strip();
        assertThat(acmeToken).matches("wisp_[a-z2-7]{32}");
        JsonNode tokens = wisp("tokens", "ls", "acme", "--json").json();
        assertThat(tokens).hasSize(1);
        String tokenId = tokens.get(0).get("id").asText();

        // the tenant's own token works and sees an empty tenant
        List<String> asAcme = List.of("--api", plane.controlPlane().apiUrl(), "--token", acmeToken);
        CliRun acmeLs = CliRun.wisp(asAcme, "ls", "--json").ok();
        assertThat(acmeLs.json()).isEmpty();
        // its image quota is 1: a second push is refused with the quota exit code
        assertThat(CliRun.wisp(
                                asAcme,
                                "image",
                                "push",
                                unbootableImage(plane.dir().resolve("q1"), 11).toString())
                        .code())
                .isZero();
        CliRun over = CliRun.wisp(
                asAcme,
                "image",
                "push",
                unbootableImage(plane.dir().resolve("q2"), 12).toString());
        assertThat(over.code()).as(over.toString()).isEqualTo(Main.EXIT_CONFLICT);
        assertThat(over.err()).startsWith("wisp: ").contains("(quota_exceeded)");

        assertThat(wisp("tokens", "rm", "acme", tokenId).code()).isZero();
        CliRun revoked = CliRun.wisp(asAcme, "ls");
        assertThat(revoked.code()).as(revoked.toString()).isEqualTo(Main.EXIT_UNAUTHORIZED);
        assertThat(revoked.err()).contains("(unauthorized)");
    }

    @Test
    void imagePushLsAndServiceLifecycle_withoutBooting() throws Exception {
        String imageId = pushUnbootable("img", 1);
        CliRun images = wisp("image", "ls", "--json");
        assertThat(images.json().findValuesAsText("id")).contains(imageId);

        CliRun deploy = wisp("deploy", "shop", "--image", imageId, "--memory", "128", "--no-wait")
                .ok();
        assertThat(deploy.err()).contains("created service shop (revision 1)");

        JsonNode list = wisp("ls", "--json").json();
        assertThat(list.findValuesAsText("name")).contains("shop");
        assertThat(wisp("ls").out())
                .containsPattern("(?m)^NAME\\s+REVISION\\s+READY")
                .containsPattern("(?m)^shop\\s");

        CliRun scale = wisp("scale", "shop", "--min", "0", "--max", "3", "--target", "5")
                .ok();
        JsonNode status = wisp("status", "shop", "--json").json();
        assertThat(status.at("/service/scaling/max").asInt()).isEqualTo(3);
        assertThat(status.at("/service/scaling/target").asDouble()).isEqualTo(5.0);
        assertThat(status.at("/revisions/0/number").asInt()).isEqualTo(1);

        // the image is in use: deleting it is a conflict
        CliRun inUse = wisp("image", "rm", imageId);
        assertThat(inUse.code()).as(inUse.toString()).isEqualTo(Main.EXIT_CONFLICT);

        CliRun events = wisp("events", "shop", "--json");
        assertThat(events.json().findValuesAsText("kind")).contains("service.created", "service.updated");

        assertThat(wisp("rm", "shop").code()).isZero();
        CliRun gone = wisp("status", "shop");
        assertThat(gone.code()).as(gone.toString()).isEqualTo(Main.EXIT_NOT_FOUND);
        assertThat(gone.err().strip())
                .startsWith("wisp: ")
                .endsWith("(not_found)")
                .doesNotContain("\n");
    }

    @Test
    void secrets_setFromArgsAndFile_listWithoutValues_deployByName_remove() throws Exception {
        Path keyFile = plane.dir().resolve("api-key.txt");
        Files.writeString(keyFile, "k3y-from-file\n");
        CliRun set =
                wisp("secrets", "set", "DB_PASSWORD=pa55-w0rd", "REGION=eu").ok();
        assertThat(set.out()).containsPattern("set DB_PASSWORD \\(digest [0-9a-f]{16}\\)");
        assertThat(wisp("secrets", "set", "API_KEY", "--from-file", keyFile.toString())
                        .code())
                .isZero();

        CliRun ls = wisp("secrets", "ls");
        assertThat(ls.out())
                .containsPattern("(?m)^NAME\\s+DIGEST\\s+UPDATED")
                .contains("API_KEY", "DB_PASSWORD", "REGION")
                .doesNotContain("pa55-w0rd")
                .doesNotContain("k3y-from-file");
        assertThat(wisp("secrets", "ls", "--json").json().findValuesAsText("name"))
                .containsExactlyInAnyOrder("API_KEY", "DB_PASSWORD", "REGION");

        String imageId = pushUnbootable("sec-img", 21);
        CliRun deploy = wisp(
                        "deploy",
                        "vault",
                        "--image",
                        imageId,
                        "--secret",
                        "PASS=DB_PASSWORD",
                        "--secret",
                        "API_KEY",
                        "--no-wait")
                .ok();
        assertThat(wisp("status", "vault", "--json")
                        .json()
                        .at("/service/envNames")
                        .toString())
                .isEqualTo("[\"API_KEY\",\"PASS\"]");
        wisp("deploy", "vault", "--image", imageId, "--secret", "NOPE", "--no-wait")
                .refused()
                .contains("no secret 'NOPE'");

        wisp("secrets", "set", "NOVALUE").refused().contains("give NAME=VALUE");
        assertThat(wisp("secrets", "rm", "REGION").code()).isZero();
        CliRun gone = wisp("secrets", "rm", "REGION");
        assertThat(gone.code()).isEqualTo(Main.EXIT_NOT_FOUND);
        assertThat(wisp("rm", "vault").code()).isZero();
    }

    @Test
    void volumes_createListMountByDeploy_removeRefusedWhileMounted() throws Exception {
        CliRun created =
                wisp("volumes", "create", "data", "data-1", "--size", "32M").ok();
        assertThat(created.out()).contains("created data (32.0 MiB)", "created data-1 (32.0 MiB)");
        wisp("volumes", "create", "tiny", "--size", "1M").refused().contains("size must be 16M to 1T");

        String imageId = pushUnbootable("vol-img", 31);
        wisp("deploy", "store", "--image", imageId, "--volume", "data:/proc", "--no-wait")
                .refused()
                .contains("would hide the guest's /proc");
        wisp("deploy", "store", "--image", imageId, "--volume", "nope:/data", "--no-wait")
                .refused()
                .contains("no volume 'nope'", "wisp volumes create nope");
        CliRun deploy = wisp("deploy", "store", "--image", imageId, "--volume", "data:/data", "--no-wait")
                .ok();

        assertThat(wisp("volumes", "ls").out())
                .containsPattern("(?m)^NAME\\s+SIZE\\s+USED BY\\s+CREATED")
                .containsPattern("(?m)^data\\s+32.0 MiB\\s+store\\s")
                .containsPattern("(?m)^data-1\\s+32.0 MiB\\s+store\\s");
        CliRun inUse = wisp("volumes", "rm", "data-1");
        assertThat(inUse.code()).isEqualTo(Main.EXIT_CONFLICT);
        assertThat(inUse.err()).contains("attached to service(s) store");

        assertThat(wisp("rm", "store").code()).isZero();
        CliRun rm = wisp("volumes", "rm", "data", "data-1").ok();
        assertThat(wisp("volumes", "ls", "--json").json()).isEmpty();
    }

    @Test
    void applyFromWispToml_twiceMakesOneRevision_deployWithoutSourceReadsIt() throws Exception {
        String imageId = pushUnbootable("toml-img", 31);
        Path app = Files.createDirectories(plane.dir().resolve("toml-app"));
        Path toml = app.resolve("wisp.toml");
        Files.writeString(
                toml,
                "name = \"cfg\"\nimage = \"" + imageId + "\"\nport = 8081\n\n[env]\nMODE = \"ro\"\n\n"
                        + "[resources]\nmemory = 128\n\n[scaling]\nmax = 3\ntarget = 10\n");

        CliRun first = wisp("apply", "-f", toml.toString(), "--no-wait").ok();
        assertThat(first.err()).contains("created service cfg (revision 1)");
        CliRun again = wisp("deploy", "cfg", "-f", toml.toString(), "--no-wait").ok();
        assertThat(again.err()).contains("cfg: unchanged (revision 1)");
        JsonNode status = wisp("status", "cfg", "--json").json();
        assertThat(status.at("/service/latestRevision").asInt()).isEqualTo(1);
        assertThat(status.at("/service/port").asInt()).isEqualTo(8081);
        assertThat(status.at("/service/scaling/max").asInt()).isEqualTo(3);
        assertThat(status.at("/service/envNames").toString()).isEqualTo("[\"MODE\"]");

        Files.writeString(toml, Files.readString(toml).replace("max = 3", "max = 4"));
        CliRun scaled = wisp("apply", "-f", toml.toString(), "--no-wait");
        assertThat(scaled.err()).contains("cfg: settings updated, no new revision (revision 1)");
        Files.writeString(toml, Files.readString(toml).replace("MODE = \"ro\"", "MODE = \"rw\""));
        CliRun changed = wisp("apply", "-f", toml.toString(), "--no-wait");
        assertThat(changed.err()).contains("deploying revision 2 of cfg");
        wisp("deploy", "web", "-f", toml.toString(), "--no-wait")
                .refused()
                .contains("names the service 'cfg', not 'web'");

        Files.writeString(toml, Files.readString(toml) + "\n[volumes]\ndata = 1\n");
        wisp("apply", "-f", toml.toString(), "--no-wait")
                .refused()
                .contains("wisp.toml: 'volumes' must be an array of tables");
        Files.writeString(toml, "name = \"cfg\"\nimage = \"" + imageId + "\"\n[scaling]\nmaxx = 3\n");
        wisp("apply", "-f", toml.toString(), "--no-wait")
                .refused()
                .contains("unknown key 'scaling.maxx'")
                .contains("known in [scaling]: concurrency, initial, max, min");
        wisp("apply", "-f", app.resolve("nope.toml").toString()).refused().contains("no " + app.resolve("nope.toml"));
        assertThat(wisp("status", "cfg", "--json")
                        .json()
                        .at("/service/latestRevision")
                        .asInt())
                .as("refused files change nothing")
                .isEqualTo(2);
        assertThat(wisp("rm", "cfg").code()).isZero();
    }

    @Test
    void eventsFollow_streamsChangesAsJsonLinesWhileTheyHappen() throws Exception {
        String imageId = pushUnbootable("follow", 3);
        // A marker service's creation is the point to follow from: --after replays what happens
        // before the stream connects, --until ends it, bounded by --for.
        assertThat(wisp("deploy", "mark", "--image", imageId, "--no-wait").code())
                .isZero();
        String after =
                wisp("events", "mark", "--json").json().get(0).path("seq").asText();
        CliRun[] followed = new CliRun[1];
        Thread follower = Thread.ofPlatform()
                .start(() -> followed[0] = wisp(
                        "events",
                        "--follow",
                        "--after",
                        after,
                        "--until",
                        "service.deleted",
                        "--for",
                        "120s",
                        "--json"));
        assertThat(wisp("deploy", "blog", "--image", imageId, "--no-wait").code())
                .isZero();
        assertThat(wisp("rm", "blog").code()).isZero();
        follower.join();
        assertThat(wisp("rm", "mark").code()).isZero();
        assertThat(followed[0].code()).as(followed[0].toString()).isZero();
        List<JsonNode> lines = followed[0].out().lines().map(CliRun::parseJson).toList();
        assertThat(lines)
                .extracting(
                        n -> n.path("service").asText() + " " + n.path("kind").asText())
                .contains("blog service.created", "blog service.deleted");
    }

    @Test
    void topLive_redrawsFramesInPlaceAndRestoresTheCursor() {
        CliRun top = wisp("top", "--frames", "2", "--interval", "300ms").ok();
        String out = top.out();
        assertThat(out).startsWith("\u001b[H\u001b[2J\u001b[?25l").endsWith("\u001b[?25h");
        // one clear screen, then each frame goes home and overwrites: no scrolling
        assertThat(out.split("\u001b\\[2J", -1)).hasSize(2);
        assertThat(out.split("\u001b\\[H", -1)).hasSize(4);
        assertThat(out.split(
                        "wisp top  "
                                + java.util.regex.Pattern.quote(
                                        plane.controlPlane().apiUrl()),
                        -1))
                .hasSize(3);
        assertThat(out).contains("node local").contains("\u001b[K\n").contains("\u001b[J");
    }

    @Test
    void badInput_exitCodesScriptsCanRelyOn() {
        wisp("deploy", "x", "--env", "A=1").refused().contains("the settings come from wisp.toml");

        wisp("deploy", "Bad_Name", "--image", "00000000000000aa", "--no-wait")
                .refused()
                .contains("(invalid_name)");

        CliRun badToken = CliRun.wisp(
                List.of("--api", plane.controlPlane().apiUrl(), "--token", "wisp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                "ls");
        assertThat(badToken.code()).isEqualTo(Main.EXIT_UNAUTHORIZED);

        CliRun noService = wisp("logs", "nope");
        assertThat(noService.code()).isEqualTo(Main.EXIT_NOT_FOUND);

        CliRun rollback = wisp("rollback", "nope", "--to", "1");
        assertThat(rollback.code()).isEqualTo(Main.EXIT_NOT_FOUND);
    }
}
