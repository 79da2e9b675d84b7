package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.image.ImageDigest;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.SmallDisk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real control plane whose data directory is a small tmpfs that fills up: creates, changes and
 * uploads get 507 {@code insufficient_storage} naming the disk, health says the store cannot
 * write, and once space is freed the same requests succeed without a restart, and survive one.
 * The guest kernel is an empty file: nothing boots, the API and the store are what is tested.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FullDiskApiTest {
    @TempDir
    static Path dir;

    SmallDisk disk;
    Path data;
    ControlPlane cp;

    @BeforeAll
    void mount() throws Exception {
        data = dir.resolve("data");
        disk = SmallDisk.mount(data, 8);
    }

    @AfterAll
    void unmount() throws Exception {
        Closeables.closeAll(cp, disk);
    }

    ControlConfig config() throws Exception {
        return Guests.noVmConfig(dir, data);
    }

    /** A valid image (to the API) whose initramfs is {@code bytes} random bytes. */
    static byte[] imageTar(Path folder, int bytes, long seed) throws Exception {
        Files.createDirectories(folder);
        byte[] initrd = new byte[bytes];
        new Random(seed).nextBytes(initrd);
        Files.write(folder.resolve("initrd.img"), initrd);
        String digest = ImageDigest.of("httpd", 8080, Tokens.sha256Hex(initrd), null);
        Files.writeString(folder.resolve("image.json"), TestImages.manifest(digest, bytes), StandardCharsets.UTF_8);
        return TestImages.tar(folder);
    }

    static String service(String name, String image) {
        return "{\"name\":\"" + name + "\",\"image\":\"" + image + "\",\"scaling\":{\"min\":0,\"max\":1},"
                + "\"resources\":{\"vcpus\":1,\"memoryMiB\":128}}";
    }

    @Test
    void fullDataDisk_answers507AndUnhealthyUntilSpaceIsFreed_thenWritesWorkAndSurviveARestart() throws Exception {
        cp = ControlPlane.start(config());
        Http http = new Http(cp.apiUrl());
        String admin = Guests.adminToken(cp);
        Http.Answer up = http.upload(admin, imageTar(dir.resolve("img-1"), 4096, 1));
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        String image = up.json().path("id").asText();
        Http.Answer before = http.created("/v1/services", admin, service("before", image));
        Path filler = data.resolve("filler");

        SmallDisk.fill(filler, 0);

        // The first few may still fit in the store log's last, partly used page; then the disk refuses.
        List<String> accepted = new ArrayList<>();
        Http.Answer create = null;
        for (int i = 0; i < 20 && create == null; i++) {
            Http.Answer a = http.post("/v1/services", admin, service("fill-" + i, image));
            if (a.status() == 201) {
                accepted.add("fill-" + i);
            } else {
                create = a;
            }
        }
        assertThat(create).as("a create refused once the disk is full").isNotNull();
        assertThat(create.status()).as(create.body()).isEqualTo(507);
        assertThat(create.code()).isEqualTo("insufficient_storage");
        assertThat(create.json().path("error").path("message").asText())
                .contains("no space left on device", data.resolve("state").toString(), "bytes free");
        Http.Answer patch = null;
        for (int i = 0; i < 20 && (patch == null || patch.status() == 200); i++) {
            patch = http.send("PATCH", "/v1/services/before", admin, "{\"scaling\":{\"max\":" + (3 + i % 2) + "}}");
        }
        assertThat(patch.status()).as(patch.body()).isEqualTo(507);
        assertThat(patch.code()).isEqualTo("insufficient_storage");
        Http.Answer health = http.get("/v1/health", null);
        assertThat(health.status()).as(health.body()).isEqualTo(503);
        assertThat(health.json().path("status").asText()).isNotEqualTo("ok");
        assertThat(health.json().path("store").path("code").asText()).isEqualTo("insufficient_storage");
        assertThat(health.json().path("reason").asText()).contains("no space left on device");
        // An upload that cannot even be received.
        Http.Answer upload = http.upload(admin, imageTar(dir.resolve("img-2"), 4096, 2));
        assertThat(upload.status()).as(upload.body()).isEqualTo(507);
        assertThat(upload.code()).isEqualTo("insufficient_storage");
        assertThat(upload.json().path("error").path("message").asText())
                .contains(data.resolve("uploads").toString());
        // An upload received but with no room to unpack it: 507 too, and no staging folder left behind.
        Files.delete(filler);
        byte[] big = imageTar(dir.resolve("img-3"), 1536 * 1024, 3);
        SmallDisk.fill(filler, big.length + 256 * 1024);
        Http.Answer unpack = http.upload(admin, big);
        assertThat(unpack.status()).as(unpack.body()).isEqualTo(507);
        assertThat(unpack.json().path("error").path("message").asText())
                .contains(data.resolve("images").toString());
        try (Stream<Path> images = Files.list(data.resolve("images"));
                Stream<Path> uploads = Files.list(data.resolve("uploads"))) {
            assertThat(images.map(p -> p.getFileName().toString())).containsExactly(image);
            assertThat(uploads).isEmpty();
        }
        // Reads and what is stored are untouched.
        assertThat(http.get("/v1/services/before", admin).status()).isEqualTo(200);

        Files.delete(filler);

        Http.Answer healthy = http.get("/v1/health", null);
        assertThat(healthy.status()).as(healthy.body()).isEqualTo(200);
        assertThat(healthy.json().path("status").asText()).isEqualTo("ok");
        http.created("/v1/services", admin, service("shop", image));
        assertThat(http.send("PATCH", "/v1/services/before", admin, "{\"scaling\":{\"max\":2}}")
                        .status())
                .isEqualTo(200);
        Http.Answer bigAgain = http.upload(admin, big);
        assertThat(bigAgain.status()).as(bigAgain.body()).isEqualTo(201);

        cp.close();
        cp = ControlPlane.start(config());
        http = new Http(cp.apiUrl());
        JsonNode services = http.get("/v1/services", admin).json().path("items");
        assertThat(services.findValuesAsText("name")).contains("before", "shop").containsAll(accepted);
        JsonNode scaled = http.get("/v1/services/before", admin).json();
        assertThat(scaled.path("scaling").path("max").asInt())
                .as(scaled.toString())
                .isEqualTo(2);
        assertThat(http.get("/v1/images", admin).json().path("items").findValuesAsText("id"))
                .containsExactlyInAnyOrder(image, bigAgain.json().path("id").asText());
        assertThat(http.get("/v1/health", null).status()).isEqualTo(200);
    }
}
