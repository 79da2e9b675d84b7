package dev.wisp.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images from files that skopeo wrote from a buildah image: {@code oci-archive:}, {@code docker-archive:}
 * ({@code docker save} format) and an OCI layout with zstd layers.
 */
class ArchivePullTest {
    @RegisterExtension
    static final BuildahImages IMAGES = new BuildahImages("archive-test");

    private static Path work;

    @TempDir
    Path tmp;

    @BeforeAll
    static void archives() throws Exception {
        work = IMAGES.work();
        Path layout = IMAGES.layout();
        skopeo("oci:" + layout + ":base", "oci-archive:" + work.resolve("base-oci.tar") + ":base");
        skopeo("oci:" + layout + ":child", "docker-archive:" + work.resolve("child-docker.tar"));
        skopeo(
                "--dest-compress-format",
                "zstd",
                "--dest-compress",
                "oci:" + layout + ":child",
                "oci:" + work.resolve("zstd-layout") + ":child");
    }

    private static void skopeo(String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "skopeo";
        cmd[1] = "copy";
        cmd[2] = "--quiet";
        System.arraycopy(args, 0, cmd, 3, args.length);
        Tools.run(work, cmd);
    }

    private PulledImage pull(String ref, Path root) {
        return new ImagePuller(
                        new RegistryClient(RegistryOptions.defaults()),
                        new BlobCache(tmp.resolve("cache")),
                        Limits.defaults())
                .pull(ImageReference.parse(ref), root);
    }

    @Test
    void ociArchive_pullsTheImageItHolds_sameDigestEachTime() throws Exception {
        String ref = "oci-archive:" + work.resolve("base-oci.tar") + ":base";
        PulledImage first = pull(ref, tmp.resolve("a"));
        PulledImage fromArchive = pull(ref, tmp.resolve("b"));

        assertThat(fromArchive.manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(tmp.resolve("b/bin/busybox")).hasSameBinaryContentAs(Path.of("/bin/busybox"));
        assertThat(tmp.resolve("b/etc/hello")).hasContent("hello from the base");
        assertThat(fromArchive.config().command()).containsExactly("/bin/busybox", "httpd", "-f", "-p", "8080");
    }

    @Test
    void dockerArchive_pullsBothLayersAndTheConfig_sameDigestEachTime() throws Exception {
        String ref = "docker-archive:" + work.resolve("child-docker.tar");
        PulledImage first = pull(ref, tmp.resolve("a"));
        PulledImage again = pull(ref, tmp.resolve("b"));

        assertThat(first.layers()).hasSize(2);
        assertThat(again.manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(tmp.resolve("a/www/child.txt")).hasContent("only in the child");
        assertThat(tmp.resolve("a/bin/busybox")).hasSameBinaryContentAs(Path.of("/bin/busybox"));
        assertThat(first.config().workingDir()).isEqualTo("/www");
        assertThat(first.config().user()).isEqualTo("1000:1000");
    }

    @Test
    void zstdLayers_fromSkopeo_areApplied() throws Exception {
        Path zl = work.resolve("zstd-layout");
        var index = new ObjectMapper().readTree(zl.resolve("index.json").toFile());
        String manifest = index.path("manifests").get(0).path("digest").asText();
        String m = Files.readString(zl.resolve("blobs/sha256").resolve(manifest.substring("sha256:".length())));
        assertThat(m).contains("application/vnd.oci.image.layer.v1.tar+zstd");

        pull("oci:" + zl + ":child", tmp.resolve("root"));

        assertThat(tmp.resolve("root/www/child.txt")).hasContent("only in the child");
        assertThat(tmp.resolve("root/bin/busybox")).hasSameBinaryContentAs(Path.of("/bin/busybox"));
    }

    @Test
    void missingOrBadFiles_oneLineErrorsAndNoRootLeft() throws Exception {
        Path root = tmp.resolve("root");
        assertThatThrownBy(() -> pull("oci-archive:" + tmp.resolve("none.tar"), root))
                .isInstanceOf(OciException.class)
                .hasMessage("no such file: " + tmp.resolve("none.tar"));
        Path notTar = Files.writeString(tmp.resolve("not.tar"), "just text\n");
        assertThatThrownBy(() -> pull("docker-archive:" + notTar, root)).hasMessageContaining("not.tar is not a");
        assertThatThrownBy(() -> pull("oci-archive:" + work.resolve("child-docker.tar"), root))
                .hasMessage("oci-archive:" + work.resolve("child-docker.tar")
                        + " is not an OCI image layout (no oci-layout and index.json in it)");
        assertThatThrownBy(() -> pull("oci-archive:" + work.resolve("base-oci.tar") + ":nope", root))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("has no tag 'nope' (tags: base)")
                .extracting(e -> ((OciException) e).kind())
                .isEqualTo(OciException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> pull("oci:" + tmp.resolve("nodir"), root))
                .hasMessage("no such directory: " + tmp.resolve("nodir"));
        assertThat(root).doesNotExist();
    }
}
