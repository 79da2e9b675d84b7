package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.WispHome;
import dev.wisp.testing.Closeables;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container images end to end: an image built by buildah (busybox httpd, a WorkingDir, a named
 * User from the image's /etc/passwd, an Env, an exposed port) pushed by skopeo to a real
 * docker-registry, pulled by reference through the API, deployed, and answering curl through the
 * router; then an image whose top layer deletes and replaces files of its base; then the pull
 * errors a user meets, each leaving nothing in the image store.
 */
@StepwiseVmTest
class OciImageVmTest {
    @TempDir
    static Path scratch;

    OciPulls bed;

    @BeforeAll
    void start() throws Exception {
        bed = OciPulls.start(scratch, false, WispHome.resolve());
        bed.registry.push(bed.layout, "base", "team/web:base");
        bed.registry.push(bed.layout, "child", "team/web:child");
    }

    @AfterAll
    void stop() throws Exception {
        Closeables.closeAll(bed);
    }

    @Test
    @Order(1)
    void imageByReference_runsAsItsConfigSaysAndAnswersThroughTheRouter() throws Exception {
        Http.Answer first = bed.pull("{\"ref\":\"" + bed.registry.host() + "/team/web:base\"}");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        String id = first.json().path("id").asText();
        Http.Answer again = bed.pull("{\"ref\":\"" + bed.registry.host() + "/team/web:base\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("id").asText()).isEqualTo(id);

        // No port given: the image's ExposedPorts say 8080. The deploy's env wins over the image's.
        Http.Answer created = bed.http.post(
                "/v1/services",
                bed.token,
                "{\"name\":\"web\",\"image\":\"" + id + "\",\"env\":{\"GREETING\":\"from-deploy\"},"
                        + "\"resources\":{\"memoryMiB\":192}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        bed.awaitServing(1);
        // httpd serves "." : the page is found only if the app started in WorkingDir /www.
        assertThat(bed.getWeb("/")).isEqualTo("base page\n 200");
        assertThat(bed.getWeb("/old.txt")).isEqualTo("old file\n 200");
        assertThat(bed.getWeb("/cgi-bin/info"))
                .contains("uid=1000 gid=1000 groups=")
                .containsPattern("groups=[0-9 ]*\\b50\\b")
                .contains("greeting=from-deploy")
                .contains("home=/home/web")
                .contains("path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                .contains("hello=present");
    }

    @Test
    @Order(2)
    void aLayerDeletingAndReplacingBaseFiles_showsInTheVm() throws Exception {
        Http.Answer child = bed.pull("{\"ref\":\"" + bed.registry.host() + "/team/web:child\"}");
        assertThat(child.status()).as(child.body()).isEqualTo(201);
        Http.Answer deployed = bed.http.post(
                "/v1/services/web/deploy",
                bed.token,
                "{\"image\":\"" + child.json().path("id").asText() + "\"}");
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(202);
        bed.awaitServing(2);
        assertThat(bed.getWeb("/")).isEqualTo("child page\n 200");
        assertThat(bed.getWeb("/old.txt")).endsWith(" 404");
        assertThat(bed.getWeb("/cgi-bin/info")).contains("hello=gone");
    }

    @Test
    @Order(3)
    void anImageOnAPulledBase_sharesTheBaseLayerDiskFile() throws Exception {
        Http.Answer base = bed.pull("{\"ref\":\"" + bed.registry.host() + "/team/web:base\"}");
        Http.Answer child = bed.pull("{\"ref\":\"" + bed.registry.host() + "/team/web:child\"}");
        assertThat(base.status()).as(base.body()).isEqualTo(200);
        assertThat(child.status()).as(child.body()).isEqualTo(200);
        Path baseDir = scratch.resolve("data/images/" + base.json().path("id").asText());
        Path childDir = scratch.resolve("data/images/" + child.json().path("id").asText());
        // the base's one layer is one disk file for both (the child then only converted its own
        // layer): both images served above, the child with its whiteouts honoured over that disk
        assertThat(Files.isSameFile(baseDir.resolve("layer-0.ext4"), childDir.resolve("layer-0.ext4")))
                .isTrue();
        assertThat(baseDir.resolve("layer-1.ext4")).doesNotExist();
        assertThat(Files.size(childDir.resolve("layer-1.ext4"))).isPositive();
    }

    @Test
    @Order(4)
    void pullErrors_sayWhatIsWrongAndLeaveNothingBehind() throws Exception {
        Http.Answer unknownTag = bed.pull("{\"ref\":\"" + bed.registry.host() + "/team/web:nope\"}");
        assertThat(unknownTag.status()).isEqualTo(404);
        assertThat(unknownTag.body()).contains(bed.registry.host() + "/team/web:nope");

        Http.Answer unknownRepo = bed.pull("{\"ref\":\"" + bed.registry.host() + "/team/missing:1\"}");
        assertThat(unknownRepo.status()).isEqualTo(404);
        assertThat(unknownRepo.body()).contains(bed.registry.host() + "/team/missing:1");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Http.Answer down = bed.pull("{\"ref\":\"127.0.0.1:" + closed + "/team/web:base\"}");
        assertThat(down.status()).isEqualTo(504);
        assertThat(down.body()).contains("registry_unavailable").contains("connection refused");

        Http.Answer noCommand = bed.pull("{\"ref\":\"" + bed.registry.host() + "/team/web:base\",\"entrypoint\":[]}");
        assertThat(noCommand.status()).isEqualTo(400);
        assertThat(noCommand.body()).contains("neither Entrypoint nor Cmd").contains("--entrypoint");

        Http.Answer badRef = bed.pull("{\"ref\":\"Team/Web\"}");
        assertThat(badRef.status()).isEqualTo(400);
        assertThat(badRef.body()).contains("bad image reference");

        assertThat(bed.leftovers()).isZero();
    }
}
