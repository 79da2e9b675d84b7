package dev.wisp.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** docker-registry with a self-signed certificate and htpasswd basic auth. */
class RegistryTlsTest {
    @RegisterExtension
    static final Registry REGISTRY = Registry.tlsWithAuth();

    @TempDir
    static Path work;

    @TempDir
    Path tmp;

    @BeforeAll
    static void image() throws Exception {
        Path l1 = Files.createDirectories(work.resolve("l1"));
        Files.writeString(l1.resolve("hello"), "over tls\n");
        Path layout = work.resolve("layout");
        TestImages.writeImage(layout, "t", "amd64", List.of(TestImages.Layer.gzip(TestImages.tar(l1))));
        REGISTRY.push(layout, "t", "secure/app:1");
    }

    private PulledImage pull(RegistryOptions options) {
        return new ImagePuller(new RegistryClient(options), new BlobCache(tmp.resolve("cache")), Limits.defaults())
                .pull(ImageReference.parse(REGISTRY.host() + "/secure/app:1"), tmp.resolve("root"));
    }

    @Test
    void rightCredentialsAndCaFile_pull() {
        pull(RegistryOptions.defaults()
                .withCaFile(REGISTRY.caFile())
                .withCredentials(Registry.USER, Registry.PASSWORD));
        assertThat(tmp.resolve("root/hello")).hasContent("over tls");
    }

    @Test
    void wrongPassword_is401NamingTheUser() {
        assertThatThrownBy(() -> pull(RegistryOptions.defaults()
                        .withCaFile(REGISTRY.caFile())
                        .withCredentials(Registry.USER, "nope")))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("refused the credentials of user 'wisp' (401)");
    }

    @Test
    void noCredentials_saysTheyAreNeeded() {
        assertThatThrownBy(() -> pull(RegistryOptions.defaults().withCaFile(REGISTRY.caFile())))
                .hasMessageContaining("registry " + REGISTRY.host() + " needs credentials (401)");
    }

    @Test
    void noCaFile_certificateNotTrustedAndNoFallbackToPlainHttp() {
        assertThatThrownBy(() -> pull(RegistryOptions.defaults().withCredentials(Registry.USER, Registry.PASSWORD)))
                .hasMessageContaining("its TLS certificate is not trusted")
                .hasMessageContaining("give its CA file");
    }
}
