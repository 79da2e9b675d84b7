package dev.wisp.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String HEX = "a".repeat(64);

    @Test
    void hostPortNameTag_areSplit() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/team/app:v1.2");
        assertThat(r.kind()).isEqualTo(ImageReference.Kind.REGISTRY);
        assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(r.repository()).isEqualTo("team/app");
        assertThat(r.tag()).isEqualTo("v1.2");
        assertThat(r.manifestReference()).isEqualTo("v1.2");
    }

    @Test
    void digest_winsOverTheTagAndNoTagMeansLatest() {
        ImageReference d = ImageReference.parse("localhost:5000/app:1@sha256:" + HEX);
        assertThat(d.manifestReference()).isEqualTo("sha256:" + HEX);
        assertThat(ImageReference.parse("registry.example.com/app").tag()).isEqualTo("latest");
    }

    @Test
    void noHost_meansDockerHubLibrary() {
        ImageReference r = ImageReference.parse("busybox");
        assertThat(r.registry()).isEqualTo("docker.io");
        assertThat(r.repository()).isEqualTo("library/busybox");
        assertThat(r.endpoint()).isEqualTo("registry-1.docker.io");
    }

    @Test
    void fileForms_keepTheirPath() {
        ImageReference oci = ImageReference.parse("oci:/tmp/layout:base");
        assertThat(oci.kind()).isEqualTo(ImageReference.Kind.OCI_DIR);
        assertThat(oci.path()).isEqualTo(Path.of("/tmp/layout"));
        assertThat(oci.tag()).isEqualTo("base");
        assertThat(ImageReference.parse("oci-archive:/tmp/x.tar").kind()).isEqualTo(ImageReference.Kind.OCI_ARCHIVE);
        ImageReference archive = ImageReference.parse("oci-archive:/tmp/x.tar:v2");
        assertThat(archive.path()).isEqualTo(Path.of("/tmp/x.tar"));
        assertThat(archive.tag()).isEqualTo("v2");
        assertThat(archive).hasToString("oci-archive:/tmp/x.tar:v2");
        assertThat(ImageReference.parse("docker-archive:/tmp/x.tar").tag()).isNull();
        assertThat(ImageReference.parse("docker-archive:/tmp/x.tar").kind())
                .isEqualTo(ImageReference.Kind.DOCKER_ARCHIVE);
    }

    @Test
    void badReferences_getOneLineErrorsSayingWhatIsWrong() {
        assertThatThrownBy(() -> ImageReference.parse("")).hasMessage("bad image reference '': empty reference");
        assertThatThrownBy(() -> ImageReference.parse("Host.io/App:1"))
                .hasMessageContaining("repository names are lowercase");
        assertThatThrownBy(() -> ImageReference.parse("host.io/app:-x")).hasMessageContaining("bad tag '-x'");
        assertThatThrownBy(() -> ImageReference.parse("host.io/app@sha256:abc"))
                .hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> ImageReference.parse("host.io/app@md5:" + HEX)).hasMessageContaining("only sha256");
        assertThatThrownBy(() -> ImageReference.parse("host.io:99999/app"))
                .hasMessageContaining("bad registry port '99999'");
        assertThatThrownBy(() -> ImageReference.parse("ftp://host/app")).hasMessageContaining("unknown transport");
        assertThatThrownBy(() -> ImageReference.parse("host.io//app"))
                .hasMessageContaining("bad repository name component ''");
        assertThatThrownBy(() -> ImageReference.parse("oci:")).hasMessageContaining("no path");
    }

    @Test
    void challenge_parsesBearerParameters() {
        Challenge c = Challenge.pick(
                java.util.List.of(
                        "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull\""));
        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.params())
                .containsEntry("realm", "https://auth.example.com/token")
                .containsEntry("service", "registry.example.com")
                .containsEntry("scope", "repository:a/b:pull");
    }
}
