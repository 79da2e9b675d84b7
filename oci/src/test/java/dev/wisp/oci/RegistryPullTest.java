package dev.wisp.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real docker-registry images that buildah, GNU tar and skopeo made. */
class RegistryPullTest {
    @RegisterExtension
    static final Registry REGISTRY = Registry.plain();
    /** The tar inside hand/tamper-size:1, kept to make a tampered copy of it. */
    private static byte[] sizeTamperTar;

    @RegisterExtension
    static final BuildahImages IMAGES = new BuildahImages("registry-test");

    @TempDir
    Path tmp;

    @BeforeAll
    static void images() throws Exception {
        Path work = IMAGES.work();
        Path buildah = IMAGES.layout();
        REGISTRY.push(buildah, "base", "busybox:base");
        REGISTRY.push(buildah, "base", "shared/base:1");
        REGISTRY.push(buildah, "child", "shared/child:1");

        Path hand = work.resolve("hand-layout");
        TestImages.writeImage(hand, "whiteouts", "amd64", whiteoutLayers(work));
        Digest arm = TestImages.writeImage(
                hand,
                null,
                "arm64",
                List.of(TestImages.Layer.gzip(TestImages.tar(Files.createDirectories(work.resolve("arm"))))));
        TestImages.writeIndex(hand, "arm-only", arm, "arm64");
        Path esc = Files.createDirectories(work.resolve("esc/inner"));
        Files.writeString(work.resolve("esc/outside.txt"), "escaped\n");
        TestImages.writeImage(
                hand, "escape", "amd64", List.of(TestImages.Layer.gzip(TestImages.tar(esc, "-P", "../outside.txt"))));
        REGISTRY.push(hand, "whiteouts", "hand/whiteouts:1");
        Tools.run(
                work,
                "skopeo",
                "copy",
                "--quiet",
                "--all",
                "--dest-tls-verify=false",
                "oci:" + hand + ":arm-only",
                "docker://" + REGISTRY.host() + "/hand/multi:arm");
        REGISTRY.push(hand, "escape", "hand/escape:1");
        // its own layer: the registry stores blobs once for all repositories, and this one gets altered
        Path t = Files.createDirectories(work.resolve("tamper"));
        Files.writeString(t.resolve("data"), "x".repeat(4096));
        TestImages.writeImage(hand, "tamper", "amd64", List.of(TestImages.Layer.gzip(TestImages.tar(t))));
        REGISTRY.push(hand, "tamper", "hand/tamper:1");
        Path t2 = Files.createDirectories(work.resolve("tamper-size"));
        Files.writeString(t2.resolve("data"), "y".repeat(4096));
        sizeTamperTar = TestImages.tar(t2);
        TestImages.writeImage(hand, "tamper-size", "amd64", List.of(TestImages.Layer.gzip(sizeTamperTar)));
        REGISTRY.push(hand, "tamper-size", "hand/tamper-size:1");
    }

    /** Three layers (gzip, zstd, plain): deletes, opaque dir, replacements, links, modes, owners. */
    private static List<TestImages.Layer> whiteoutLayers(Path work) throws Exception {
        Path l1 = Files.createDirectories(work.resolve("l1"));
        write(l1, "etc/keep", "v1\n");
        write(l1, "etc/gone", "bye\n");
        write(l1, "app/old1", "old\n");
        write(l1, "app/sub/old2", "old\n");
        write(l1, "app/sub/deeper/old3", "old\n");
        write(l1, "lib/real.so", "elf\n");
        Files.createSymbolicLink(l1.resolve("lib/link.so"), Path.of("real.so"));
        Files.createLink(l1.resolve("lib/hard.so"), l1.resolve("lib/real.so"));
        write(l1, "opt/secret", "s\n");
        Files.setPosixFilePermissions(l1.resolve("opt/secret"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setAttribute(l1.resolve("opt/secret"), "unix:uid", 1000);
        Files.setAttribute(l1.resolve("opt/secret"), "unix:gid", 1000);
        write(l1, "opt/ro/file", "r\n");
        Files.setPosixFilePermissions(l1.resolve("opt/ro"), PosixFilePermissions.fromString("r-xr-xr-x"));

        // the upper layers hold only files (a whiteout is an empty one)
        Path l2 = tree(
                work.resolve("l2"),
                Map.of(
                        "etc/.wh.gone", "",
                        "etc/keep", "v2\n",
                        "app/.wh..wh..opq", "",
                        "app/new", "new\n",
                        "app/sub/fresh", "fresh\n"));
        Path l3 = tree(work.resolve("l3"), Map.of("lib/.wh.link.so", "", "newdir/file", "3\n"));
        return List.of(
                TestImages.Layer.gzip(TestImages.tar(l1)),
                TestImages.Layer.zstd(TestImages.tar(l2)),
                TestImages.Layer.plain(TestImages.tar(l3)));
    }

    /** A folder holding these files (relative path to content). */
    private static Path tree(Path dir, Map<String, String> files) throws Exception {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> f : files.entrySet()) {
            write(dir, f.getKey(), f.getValue());
        }
        return dir;
    }

    private static void write(Path dir, String rel, String content) throws Exception {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private ImagePuller puller(Path cacheDir) {
        return new ImagePuller(
                new RegistryClient(RegistryOptions.defaults()), new BlobCache(cacheDir), Limits.defaults());
    }

    private ImageReference ref(String nameAndTag) {
        return ImageReference.parse(REGISTRY.host() + "/" + nameAndTag);
    }

    @Test
    void pullByTag_unpacksBusyboxThatRunsAndItsConfig() throws Exception {
        Path root = tmp.resolve("root");
        PulledImage img = puller(tmp.resolve("cache")).pull(ref("busybox:base"), root);

        assertThat(root.resolve("bin/busybox"))
                .hasSameBinaryContentAs(Path.of("/bin/busybox"))
                .isExecutable();
        assertThat(Tools.run(root, root.resolve("bin/busybox").toString(), "cat", "etc/hello"))
                .isEqualTo("hello from the base\n");
        assertThat(root.resolve("www/index.html")).hasContent("<h1>wisp</h1>");
        ImageConfig c = img.config();
        assertThat(c.entrypoint()).containsExactly("/bin/busybox", "httpd", "-f");
        assertThat(c.cmd()).containsExactly("-p", "8080");
        assertThat(c.command()).containsExactly("/bin/busybox", "httpd", "-f", "-p", "8080");
        assertThat(c.env()).contains("GREETING=hi");
        assertThat(c.workingDir()).isEqualTo("/www");
        assertThat(c.user()).isEqualTo("1000:1000");
        assertThat(c.exposedPorts()).containsExactly(new ImageConfig.Port(8080, "tcp"));
        assertThat(c.architecture()).isEqualTo("amd64");
    }

    @Test
    void pullByDigest_givesTheImageTheTagNames() throws Exception {
        PulledImage byTag = puller(tmp.resolve("cache")).pull(ref("busybox:base"), tmp.resolve("a"));
        PulledImage byDigest =
                puller(tmp.resolve("cache2")).pull(ref("busybox@" + byTag.manifestDigest()), tmp.resolve("b"));

        assertThat(byDigest.manifestDigest()).isEqualTo(byTag.manifestDigest());
        assertThat(byDigest.layers()).isEqualTo(byTag.layers());
        assertThat(tmp.resolve("b/bin/busybox")).hasSameBinaryContentAs(Path.of("/bin/busybox"));
    }

    @Test
    void secondImageSharingTheBase_downloadsOnlyItsOwnLayer() throws Exception {
        BlobCache cache = new BlobCache(tmp.resolve("cache"));
        ImagePuller counted = new ImagePuller(new RegistryClient(RegistryOptions.defaults()), cache, Limits.defaults());
        PulledImage base = counted.pull(ref("shared/base:1"), tmp.resolve("base"));
        assertThat(cache.downloads()).isEqualTo(2); // config + layer
        PulledImage child = counted.pull(ref("shared/child:1"), tmp.resolve("child"));

        Digest baseLayer = base.layers().get(0);
        assertThat(child.layers()).hasSize(2).startsWith(baseLayer);
        assertThat(cache.downloads()).isEqualTo(4); // + the child's config and its own layer
        assertThat(cache.hits()).isEqualTo(1); // the base layer
        assertThat(REGISTRY.blobGets("shared/base", baseLayer)).isEqualTo(1);
        assertThat(REGISTRY.blobGets("shared/child", baseLayer)).isZero();
        assertThat(REGISTRY.blobGets("shared/child", child.layers().get(1))).isEqualTo(1);
        assertThat(tmp.resolve("child/www/child.txt")).hasContent("only in the child");
        assertThat(tmp.resolve("child/bin/busybox")).hasSameBinaryContentAs(Path.of("/bin/busybox"));
    }

    @Test
    void layersWithWhiteoutsAndOpaqueDir_giveTheTreeTheSpecDescribes() throws Exception {
        Path root = tmp.resolve("root");
        PulledImage img = puller(tmp.resolve("cache")).pull(ref("hand/whiteouts:1"), root);

        assertThat(img.layers()).hasSize(3);
        assertThat(root.resolve("etc/keep")).hasContent("v2");
        assertThat(root.resolve("etc/gone")).doesNotExist();
        assertThat(list(root.resolve("app"))).containsExactlyInAnyOrder("new", "sub");
        assertThat(list(root.resolve("app/sub"))).containsExactly("fresh");
        assertThat(root.resolve("lib/link.so")).doesNotExist();
        assertThat(Files.isSameFile(root.resolve("lib/hard.so"), root.resolve("lib/real.so")))
                .isTrue();
        assertThat(Files.getPosixFilePermissions(root.resolve("opt/secret")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(Files.getAttribute(root.resolve("opt/secret"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getPosixFilePermissions(root.resolve("opt/ro")))
                .isEqualTo(PosixFilePermissions.fromString("r-xr-xr-x"));
        assertThat(img.rootFs().owners()).containsEntry("opt/secret", new RootFs.Owner(1000, 1000));
        assertThat(root.resolve("newdir/file")).hasContent("3");
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".wh."));
        }
    }

    @Test
    void indexWithOnlyArm64_errorListsThePlatformsThereAre() {
        assertThatThrownBy(() -> puller(tmp.resolve("cache")).pull(ref("hand/multi:arm"), tmp.resolve("root")))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("has no linux/amd64 image; it has: linux/arm64/v8");
        assertThat(tmp.resolve("root")).doesNotExist();
    }

    @Test
    void tamperedBlob_isRefusedNamingBothDigestsAndNothingIsCached() throws Exception {
        Digest layer = firstLayer("hand/tamper:1");
        Path data = REGISTRY.blobData(layer);
        byte[] b = Files.readAllBytes(data);
        b[b.length / 2] ^= 0x20; // same size, other bytes
        Files.write(data, b);

        assertTamperedPullFails("hand/tamper:1", layer)
                .hasMessageContaining("expected " + b.length + " bytes with digest " + layer)
                .hasMessageContaining("with digest sha256:");
        assertThat(list(tmp.resolve("cache").resolve("tmp"))).isEmpty();
    }

    @Test
    void tamperedTarHeader_sizePastTheLimit_isRefusedAsATamperedBlob() throws Exception {
        Digest layer = firstLayer("hand/tamper-size:1");
        byte[] b = sizeTamperTar.clone();
        // the header of ./data (the second, after ./): its size field (12 bytes at 124) says 8 GiB,
        // past the root tree's limit, under a checksum (8 bytes at 148) made to match, so only the
        // blob's digest tells
        int h = 512;
        byte[] size = "77777777777\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, b, h + 124, size.length);
        Arrays.fill(b, h + 148, h + 156, (byte) ' ');
        int sum = 0;
        for (int i = h; i < h + 512; i++) {
            sum += b[i] & 0xff;
        }
        byte[] chksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chksum, 0, b, h + 148, chksum.length);
        Files.write(REGISTRY.blobData(layer), TestImages.compress(b, "gzip"));

        assertTamperedPullFails("hand/tamper-size:1", layer).hasMessageContaining("does not match");
    }

    /** The first layer of {@code reference}, pulled once into a cache of its own (the registry's copy is then tampered with). */
    private Digest firstLayer(String reference) throws Exception {
        return puller(tmp.resolve("probe"))
                .pull(ref(reference), tmp.resolve("probe-root"))
                .layers()
                .get(0);
    }

    /**
     * Pulls {@code reference} into a fresh cache: it must fail naming the tampered {@code layer} and
     * leave neither that blob nor a root tree behind. Returns the failure for more checks.
     */
    private AbstractThrowableAssert<?, ? extends Throwable> assertTamperedPullFails(String reference, Digest layer) {
        Path cacheDir = tmp.resolve("cache");
        AbstractThrowableAssert<?, ? extends Throwable> failure = assertThatThrownBy(
                        () -> puller(cacheDir).pull(ref(reference), tmp.resolve("root")))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("blob " + layer)
                .hasMessageContaining("partial blob was deleted");
        assertThat(new BlobCache(cacheDir).path(layer)).doesNotExist();
        assertThat(tmp.resolve("root")).doesNotExist();
        return failure;
    }

    @Test
    void unknownTagOrRepository_errorNamesTheReference() {
        ImageReference tag = ref("busybox:nope");
        assertThatThrownBy(() -> puller(tmp.resolve("cache")).pull(tag, tmp.resolve("root")))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("image not found: " + tag)
                .hasMessageContaining("MANIFEST_UNKNOWN");
        ImageReference repo = ref("no/such:1");
        assertThatThrownBy(() -> puller(tmp.resolve("cache")).pull(repo, tmp.resolve("root")))
                .isInstanceOf(OciException.class)
                .hasMessageContaining(repo.toString());
    }

    @Test
    void registryDown_clearErrorWithinTheTimeouts() throws Exception {
        int port = Registry.freePort();
        ImagePuller p = new ImagePuller(
                new RegistryClient(
                        RegistryOptions.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))),
                new BlobCache(tmp.resolve("cache")),
                Limits.defaults());
        assertThatThrownBy(
                        () -> p.pull(ImageReference.parse("127.0.0.1:" + port + "/busybox:base"), tmp.resolve("root")))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("registry 127.0.0.1:" + port + " is down or unreachable: connection refused");
    }

    @Test
    void registryThatAcceptsAndNeverAnswers_timesOutWithAOneLineError() throws Exception {
        try (java.net.ServerSocket silent =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // the kernel accepts the connections into the backlog; nobody ever reads or answers
            ImagePuller p = new ImagePuller(
                    new RegistryClient(
                            RegistryOptions.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3))),
                    new BlobCache(tmp.resolve("cache")),
                    Limits.defaults());
            String ref = "127.0.0.1:" + silent.getLocalPort() + "/busybox:base";
            assertThatThrownBy(() -> p.pull(ImageReference.parse(ref), tmp.resolve("root")))
                    .isInstanceOf(OciException.class)
                    .satisfies(e -> assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.UNAVAILABLE))
                    .hasMessageContaining("registry 127.0.0.1:" + silent.getLocalPort())
                    .hasMessageContaining("did not answer within 3 s")
                    .hasMessageNotContaining("\n");
        }
        assertThat(tmp.resolve("root")).doesNotExist();
        assertThat(list(tmp.resolve("cache/tmp"))).isEmpty();
    }

    @Test
    void layerWithDotDotPath_isRefusedAndWritesNothingOutside() throws Exception {
        Path root = tmp.resolve("images/root");
        assertThatThrownBy(() -> puller(tmp.resolve("cache")).pull(ref("hand/escape:1"), root))
                .isInstanceOf(OciException.class)
                .hasMessageMatching(
                        "layer sha256:[0-9a-f]{64}: refused path '\\.\\./outside\\.txt': '\\.\\.', which escapes the root");
        assertThat(tmp.resolve("images/outside.txt")).doesNotExist();
        assertThat(root).doesNotExist();
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
