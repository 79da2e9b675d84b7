package dev.wisp.oci;

import dev.wisp.common.DockerRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link DockerRegistry} for a test class, storage in a temp dir: started before the class's
 * tests, stopped and deleted after; plus what the tests read of the registry's own files.
 */
final class Registry implements BeforeAllCallback, AfterAllCallback {
    static final String USER = DockerRegistry.USER;
    static final String PASSWORD = DockerRegistry.PASSWORD;

    private final boolean secure;
    private Path dir;
    private DockerRegistry registry;

    private Registry(boolean secure) {
        this.secure = secure;
    }

    /** Plain HTTP, anonymous. */
    static Registry plain() {
        return new Registry(false);
    }

    /** HTTPS with a self-signed certificate for 127.0.0.1, basic auth for {@link #USER}. */
    static Registry tlsWithAuth() {
        return new Registry(true);
    }

    String host() {
        return registry.host();
    }

    /** The PEM certificate the TLS registry serves (its own CA). */
    Path caFile() {
        return registry.caFile();
    }

    /** Pushes an OCI layout's tag to this registry with skopeo. */
    void push(Path layout, String tag, String repoAndTag) throws IOException, InterruptedException {
        registry.push(layout, tag, repoAndTag);
    }

    /** The registry's storage of a blob, to tamper with. */
    Path blobData(Digest d) {
        return dir.resolve("storage/docker/registry/v2/blobs/sha256")
                .resolve(d.hex().substring(0, 2))
                .resolve(d.hex())
                .resolve("data");
    }

    /** GETs of a repository's blob in the registry's access log. */
    long blobGets(String repo, Digest d) throws IOException {
        String path = "\"GET /v2/" + repo + "/blobs/" + d;
        return Files.readAllLines(dir.resolve("registry.log")).stream()
                .filter(l -> l.contains(path))
                .count();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("wisp-registry-");
        registry = secure ? DockerRegistry.startTls(dir) : DockerRegistry.start(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (registry != null) {
            registry.close();
        }
        Tools.deleteTree(dir);
    }

    /** A port nothing listens on (once this returns). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
