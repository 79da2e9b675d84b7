package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {
    @TempDir
    Path home;

    @TempDir
    Path app;

    ImageStore store;

    @BeforeEach
    void setUp() throws Exception {
        store = new ImageStore(home);
        Files.createDirectories(app.resolve("www"));
        Files.writeString(app.resolve("www/index.html"), "hello\n");
    }

    private ImageBuilder httpd() {
        return ImageBuilder.fromFolder(app).entrypoint("httpd -f -p 8080 -h /app/www");
    }

    @Test
    void sameFolderTwice_givesSameIdAndLeavesStoredImageUntouched() throws Exception {
        Image first = httpd().build(TestHome.kernel(), store);
        FileTime written = Files.getLastModifiedTime(first.dir().resolve(Image.MANIFEST));
        // A fresh timestamp on the app's files must not change the content id.
        Files.setLastModifiedTime(
                app.resolve("www/index.html"), FileTime.fromMillis(System.currentTimeMillis() + 5000));

        Image second = httpd().build(TestHome.kernel(), store);

        assertThat(second.id()).isEqualTo(first.id()).hasSize(16);
        assertThat(second.createdAt()).isEqualTo(first.createdAt());
        assertThat(Files.getLastModifiedTime(first.dir().resolve(Image.MANIFEST)))
                .isEqualTo(written);
        assertThat(store.list()).hasSize(1);
        assertThat(storeEntries()).containsExactly(first.id());
    }

    @Test
    void changedContent_givesNewId() throws Exception {
        Image first = httpd().build(TestHome.kernel(), store);
        Files.writeString(app.resolve("www/index.html"), "hello again\n");

        Image second = httpd().build(TestHome.kernel(), store);

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(store.list()).extracting(Image::id).containsExactlyInAnyOrder(first.id(), second.id());
    }

    @Test
    void otherPortOrEntrypoint_givesNewId() {
        Image base = httpd().build(TestHome.kernel(), store);

        assertThat(httpd().port(9090).build(TestHome.kernel(), store).id()).isNotEqualTo(base.id());
        assertThat(ImageBuilder.fromFolder(app)
                        .entrypoint("httpd -f -p 8080 -h /app")
                        .build(TestHome.kernel(), store)
                        .id())
                .isNotEqualTo(base.id());
    }

    @Test
    void builtImage_holdsInitAppModulesAndBusybox() throws Exception {
        Image image = httpd().build(TestHome.kernel(), store);
        byte[] initrd = Files.readAllBytes(image.initrd());
        String names = new String(initrd, StandardCharsets.ISO_8859_1);

        assertThat(image.disk()).isEmpty();
        assertThat(image.initrdBytes()).isEqualTo(initrd.length);
        assertThat(image.kernelVersion()).isEqualTo(TestHome.kernel().version());
        assertThat(names)
                .contains(
                        "init\0",
                        "wisp/init\0",
                        "wisp/agent\0",
                        "app/www/index.html\0",
                        "usr/bin/busybox\0",
                        "usr/bin/sh\0",
                        "usr/lib/modules/" + TestHome.kernel().version() + "/virtio_net.ko\0",
                        "wisp/app.env\0",
                        "etc/passwd\0");
        assertThat(names)
                .contains("WISP_ENTRYPOINT='httpd -f -p 8080 -h /app/www'", "WISP_PORT=8080", "WISP_WORKDIR=/app");
        assertThat(store.get(image.id().substring(0, 6))).contains(image);
    }

    @Test
    void diskImage_putsAppOnExt4AndIsReproducible() throws Exception {
        Image image = httpd().disk(true).build(TestHome.kernel(), store);
        Path disk = image.disk().orElseThrow();
        String names = new String(Files.readAllBytes(image.initrd()), StandardCharsets.ISO_8859_1);

        assertThat(disk).isRegularFile();
        assertThat(image.diskBytes()).isEqualTo(Files.size(disk));
        assertThat(names).doesNotContain("app/www/index.html").contains("WISP_DISK=1", "virtio_blk.ko\0");
        assertThat(httpd().disk(true).build(TestHome.kernel(), store).id()).isEqualTo(image.id());
        assertThat(httpd().build(TestHome.kernel(), store).id()).isNotEqualTo(image.id());
    }

    @Test
    void diskImage_idCoversEveryByteOfInitrdAndDisk_andSurvivesNewFileTimes() throws Exception {
        Files.createDirectories(app.resolve("www/cgi-bin"));
        Files.writeString(app.resolve("www/cgi-bin/env"), "#!/bin/sh\necho hi\n");
        Image image = httpd().disk(true).build(TestHome.kernel(), store);

        // What a server receiving this folder derives from its bytes.
        assertThat(image.digest())
                .isEqualTo(ImageDigest.of(
                        image.entrypoint(),
                        image.port(),
                        ImageDigest.sha256(image.initrd()),
                        ImageDigest.sha256(image.disk().orElseThrow())));
        assertThat(image.id()).isEqualTo(image.digest().substring(0, 16));
        // Touching (or checking out again) the app's files leaves the disk's bytes, and so the id, as they were.
        try (Stream<Path> files = Files.walk(app)) {
            for (Path f : files.toList()) {
                Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            }
        }
        assertThat(httpd().disk(true)
                        .build(TestHome.kernel(), new ImageStore(home.resolve("other")))
                        .id())
                .isEqualTo(image.id());
        Files.writeString(app.resolve("www/cgi-bin/env"), "#!/bin/sh\necho ho\n");
        assertThat(httpd().disk(true).build(TestHome.kernel(), store).id()).isNotEqualTo(image.id());
    }

    @Test
    void legacyImages_areMovedAsideByRetireLegacy_currentOnesStay() throws Exception {
        Image current = httpd().build(TestHome.kernel(), store);
        Path legacy = Files.createDirectories(store.root().resolve("00112233aabbccdd"));
        Files.writeString(
                legacy.resolve(Image.MANIFEST),
                "{\"id\":\"00112233aabbccdd\",\"digest\":\"" + "0".repeat(64)
                        + "\",\"entrypoint\":\"httpd\",\"port\":8080}");
        Files.write(legacy.resolve(Image.INITRD), new byte[16]);

        assertThat(store.retireLegacy()).containsExactly("00112233aabbccdd");

        assertThat(store.get("00112233aabbccdd")).isEmpty();
        assertThat(store.list()).extracting(Image::id).containsExactly(current.id());
        assertThat(storeEntries()).anyMatch(n -> n.startsWith(".legacy-00112233aabbccdd-"));
        assertThat(store.retireLegacy()).isEmpty();
    }

    @Test
    void appOverThreshold_goesOnDiskAutomatically() throws Exception {
        try (java.io.RandomAccessFile big =
                new java.io.RandomAccessFile(app.resolve("big.bin").toFile(), "rw")) {
            big.setLength(ImageBuilder.DISK_THRESHOLD + 1); // sparse: cheap to make, counts at full size
        }

        Image image = httpd().build(TestHome.kernel(), store);

        assertThat(image.disk()).isPresent();
        assertThat(image.initrdBytes()).isLessThan(ImageBuilder.DISK_THRESHOLD);
    }

    @Test
    void gzipImage_startsWithGzipMagicAndDiffersFromPlain() throws Exception {
        Image gz = httpd().compression(Compression.GZIP).build(TestHome.kernel(), store);
        byte[] head = Files.readAllBytes(gz.initrd());

        assertThat(head[0] & 0xff).isEqualTo(0x1f);
        assertThat(head[1] & 0xff).isEqualTo(0x8b);
        assertThat(gz.compression()).isEqualTo(Compression.GZIP);
        assertThat(httpd().compression(Compression.GZIP)
                        .build(TestHome.kernel(), store)
                        .id())
                .isEqualTo(gz.id());
    }

    @Test
    void missingFolder_isRejectedAndStoreStaysEmpty() {
        assertThatThrownBy(() -> ImageBuilder.fromFolder(app.resolve("nope"))
                        .entrypoint("true")
                        .build(TestHome.kernel(), store))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no app folder or file at " + app.resolve("nope"));
        assertThat(storeEntries()).isEmpty();
    }

    @Test
    void emptyEntrypoint_isRejected() {
        assertThatThrownBy(() -> ImageBuilder.fromFolder(app).entrypoint("  ").build(TestHome.kernel(), store))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entrypoint is empty");
        assertThatThrownBy(() -> ImageBuilder.fromFolder(app).build(TestHome.kernel(), store))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entrypoint is empty");
    }

    @Test
    void portOutOfRange_isRejected() {
        assertThatThrownBy(() -> httpd().port(0).build(TestHome.kernel(), store))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port out of range (1-65535): 0");
        assertThatThrownBy(() -> httpd().port(65536).build(TestHome.kernel(), store))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port out of range (1-65535): 65536");
        assertThat(storeEntries()).isEmpty();
    }

    @Test
    void unknownPackage_isRejectedAndStoreStaysEmpty() {
        assertThatThrownBy(
                        () -> httpd().withDebs(List.of("no-such-package-wisp")).build(TestHome.kernel(), store))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("package not found in Debian bookworm: no-such-package-wisp");
        assertThat(storeEntries()).isEmpty();
    }

    @Test
    void badPin_isRefusedWithTheVersionsDebianHas() {
        assertThatThrownBy(() -> httpd().withDebs(List.of("nginx-light=0.1")).build(TestHome.kernel(), store))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Debian bookworm has no version 0.1 of nginx-light (it has: 1.22.1-")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> httpd().withDebs(List.of("nginx-light=")).build(TestHome.kernel(), store))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a Debian version in nginx-light=");
        assertThat(storeEntries()).isEmpty();
    }

    @Test
    void deletedImage_isGoneFromStore() {
        Image image = httpd().build(TestHome.kernel(), store);

        assertThat(store.delete(image.id())).isTrue();

        assertThat(store.get(image.id())).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThat(storeEntries()).isEmpty();
        assertThat(store.delete(image.id())).isFalse();
    }

    /** Everything in the images folder, hidden temp folders included. */
    private List<String> storeEntries() {
        if (!Files.isDirectory(store.root())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(store.root())) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
