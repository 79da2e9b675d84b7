package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.common.DockerRegistry;
import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.image.KernelProvisioner;
import dev.wisp.image.RegistryLogins;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.OciTestImage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp image pull} as a user types it, against real docker-registries (one plain, one with
 * TLS and basic auth) and files skopeo wrote: a docker save archive becomes an image; each failure
 * is one line on stderr, the exit code the README documents, and nothing in the image store (its
 * own home, so other tests do not count).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImagePullCliTest {
    @TempDir
    static Path scratch;

    private DockerRegistry registry;
    private DockerRegistry secure;
    private String tamperedLayer;
    private List<String> kernel;
    private Path layout;

    @BeforeAll
    void start() throws Exception {
        // the provisioned kernel of the real home; the test's own home keeps its image store apart
        var k = new KernelProvisioner(WispHome.resolve()).ensure();
        kernel = List.of(
                "--kernel", k.vmlinux().toString(), "--modules", k.modulesDir().toString());
        layout = scratch.resolve("layout");
        OciTestImage.build(Files.createDirectories(scratch.resolve("work")), layout);
        registry = DockerRegistry.start(scratch.resolve("registry"));
        registry.push(layout, "base", "team/web:base");
        OciTestImage.forArchitecture(layout, "base", "arm", "arm64");
        registry.push(layout, "arm", "team/web:arm");
        Path esc = Files.createDirectories(scratch.resolve("esc/inner"));
        Files.writeString(scratch.resolve("esc/outside.txt"), "escaped\n");
        OciTestImage.addTarLayer(layout, "base", "escape", esc, "../outside.txt");
        registry.push(layout, "escape", "team/web:escape");
        // a layer of its own: the registry keeps one copy of a blob for all repositories, and this one is altered
        Path t = Files.createDirectories(scratch.resolve("tamper"));
        Files.writeString(t.resolve("data"), "x".repeat(4096));
        OciTestImage.addTarLayer(layout, "base", "tamper", t, "data");
        registry.push(layout, "tamper", "team/web:tamper");
        tamperedLayer = lastLayer(registry.host() + "/v2/team/web/manifests/tamper");
        Path data = scratch.resolve("registry/storage/docker/registry/v2/blobs/sha256")
                .resolve(tamperedLayer.substring(7, 9))
                .resolve(tamperedLayer.substring(7))
                .resolve("data");
        byte[] b = Files.readAllBytes(data);
        b[b.length / 2] ^= 0x20; // same size, other bytes
        Files.write(data, b);
        secure = DockerRegistry.startTls(scratch.resolve("secure-registry"));
        secure.push(layout, "base", "secure/web:1");
        // wisp.home wins over $WISP_HOME, which CI sets for the whole run
        System.setProperty(
                WispHome.PROPERTY,
                Files.createDirectories(scratch.resolve("home/.wisp")).toString());
    }

    @AfterAll
    void stop() throws Exception {
        System.clearProperty(WispHome.PROPERTY);
        Closeables.closeAll(registry, secure);
    }

    /** The digest of a manifest's top layer as the registry stores it (skopeo compressed it on the push). */
    private static String lastLayer(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + url))
                                .header(
                                        "Accept",
                                        "application/vnd.oci.image.manifest.v1+json,"
                                                + " application/vnd.docker.distribution.manifest.v2+json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode layers = new ObjectMapper().readTree(r.body()).path("layers");
        return layers.get(layers.size() - 1).path("digest").asText();
    }

    private CliRun pull(String... args) {
        List<String> all = new ArrayList<>(List.of("image", "pull"));
        all.addAll(List.of(args));
        return CliRun.wisp(kernel, all.toArray(String[]::new));
    }

    /** Entries of the test's image store besides finished images: staging dirs start with a dot. */
    private List<String> halfWritten() throws Exception {
        Path images = scratch.resolve("home/.wisp/images");
        if (!Files.isDirectory(images)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(images)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("."))
                    .toList();
        }
    }

    private void assertFails(CliRun r, int code, String... inMessage) throws Exception {
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
        for (String m : inMessage) {
            assertThat(r.err()).as(r.toString()).startsWith("wisp: ").contains(m);
        }
        assertThat(halfWritten()).isEmpty();
    }

    @Test
    void dockerArchiveFromSkopeo_becomesAnImage_sameIdTwice() throws Exception {
        Path archive = scratch.resolve("web.tar");
        OciTestImageTools.skopeo(scratch, "oci:" + layout + ":base", "docker-archive:" + archive);

        CliRun first = pull("docker-archive:" + archive);
        CliRun again = pull("docker-archive:" + archive);

        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(again.out()).isEqualTo(first.out());
        assertThat(first.out().strip()).matches("[0-9a-f]{16}");
        assertThat(halfWritten()).isEmpty();
    }

    /** The store's layer disk that {@code image}'s {@code layer-N.ext4} is a link of. */
    private static Path layerDisk(Path image, int n) throws Exception {
        Path link = image.resolve(Image.layerFile(n));
        try (Stream<Path> s = Files.list(scratch.resolve("home/.wisp/oci-layers"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".ext4")).toList()) {
                if (Files.isSameFile(p, link)) {
                    return p;
                }
            }
        }
        throw new AssertionError("no layer disk in the store is " + link);
    }

    @Test
    void prune_removesLayerDisksNoImageUses_sharedBaseStaysWhileAnImageUsesIt() throws Exception {
        CliRun base = pull(registry.host() + "/team/web:base");
        CliRun child = pull("oci:" + layout + ":child");
        assertThat(base.code()).as(base.toString()).isZero();
        assertThat(child.code()).as(child.toString()).isZero();
        ImageStore store = new ImageStore(scratch.resolve("home/.wisp"));
        Path baseImage = store.get(base.out().strip()).orElseThrow().dir();
        Path childImage = store.get(child.out().strip()).orElseThrow().dir();
        Path shared = layerDisk(baseImage, 0);
        Path own = layerDisk(childImage, 1);
        assertThat(layerDisk(childImage, 0)).isEqualTo(shared);

        // a delete prunes too, but never what a pull made within the grace (10 minutes)
        assertThat(CliRun.wisp(List.of(), "image", "rm", "--local", child.out().strip())
                        .code())
                .isZero();
        assertThat(own).exists();
        CliRun prune = CliRun.wisp(List.of(), "image", "prune", "--grace", "0");

        assertThat(prune.code()).as(prune.toString()).isZero();
        assertThat(prune.out()).contains("removed 1 unused layer disk");
        assertThat(own).doesNotExist();
        assertThat(own.resolveSibling(own.getFileName().toString().replace(".ext4", ".json")))
                .doesNotExist();
        assertThat(shared).exists();
        assertThat(Files.isSameFile(shared, baseImage.resolve(Image.layerFile(0))))
                .isTrue();

        for (Image i : store.list()) {
            store.delete(i.id());
        }
        assertThat(CliRun.wisp(List.of(), "image", "prune", "--grace", "0").out())
                .startsWith("removed ");
        assertThat(shared).doesNotExist();
        assertThat(CliRun.wisp(List.of(), "image", "prune", "--grace", "-1").err())
                .contains("--grace must be 0 or more seconds");
    }

    @Test
    void badInput_oneLineTheDocumentedExitCodeAndNothingHalfWritten() throws Exception {
        String ref = registry.host() + "/team/web:nope";
        assertFails(pull(ref), Main.EXIT_NOT_FOUND, "image not found: " + ref);
        assertFails(pull(registry.host() + "/team/missing:1"), Main.EXIT_NOT_FOUND, "team/missing:1");
        assertFails(pull("Team/Web"), Main.EXIT_USAGE, "bad image reference 'Team/Web'");
        assertFails(
                pull(registry.host() + "/team/web:base", "--entrypoint", " "),
                Main.EXIT_USAGE,
                "neither Entrypoint nor Cmd",
                "--entrypoint");
        assertFails(
                pull("oci-archive:" + scratch.resolve("none.tar")),
                Main.EXIT_USAGE,
                "no such file: " + scratch.resolve("none.tar"));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertFails(
                pull("127.0.0.1:" + closed + "/team/web:base"),
                Main.EXIT_UNAVAILABLE,
                "is down or unreachable: connection refused");
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertFails(
                    pull("127.0.0.1:" + silent.getLocalPort() + "/team/web:base", "--registry-timeout", "2"),
                    Main.EXIT_UNAVAILABLE,
                    "did not answer within 2 s");
        }
        assertFails(pull(registry.host() + "/team/web:base", "--registry-timeout", "0"), Main.EXIT_USAGE, "1-3600");
        assertFails(
                pull(registry.host() + "/team/web:arm"),
                Main.EXIT_USAGE,
                "is a linux/arm64 image; Wisp runs linux/amd64");
        assertFails(
                pull(registry.host() + "/team/web:escape"),
                Main.EXIT_USAGE,
                "refused path '../outside.txt': '..', which escapes the root");
        assertThat(scratch.resolve("home/.wisp/outside.txt")).doesNotExist();
        assertFails(
                pull(registry.host() + "/team/web:tamper"),
                Main.EXIT_USAGE,
                "blob " + tamperedLayer,
                "the partial blob was deleted");
        assertThat(scratch.resolve("home/.wisp/oci/blobs/sha256").resolve(tamperedLayer.substring(7)))
                .doesNotExist();
    }

    @Test
    void tlsRegistryWithBasicAuth_wrongPasswordRefused_thenLoginAndCaFilePull() throws Exception {
        String ref = secure.host() + "/secure/web:1";
        Path home = scratch.resolve("home/.wisp");
        new RegistryLogins(home).save(secure.host(), DockerRegistry.USER, "wrong");
        assertFails(
                pull(ref, "--registry-ca", secure.caFile().toString()),
                Main.EXIT_UNAUTHORIZED,
                "refused the credentials of user 'wisp' (401)");
        assertFails(pull(ref), Main.EXIT_USAGE, "its TLS certificate is not trusted");

        new RegistryLogins(home).save(secure.host(), DockerRegistry.USER, DockerRegistry.PASSWORD, secure.caFile());
        CliRun ok = pull(ref).ok();
        assertThat(ok.out().strip()).matches("[0-9a-f]{16}");
    }
}
