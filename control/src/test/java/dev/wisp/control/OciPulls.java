package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.DockerRegistry;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.OciTestImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * What the image-pull VM tests share: the test image built into an OCI layout (tags {@code base}
 * and {@code child}), a real docker-registry, a control plane whose guests may reach it on
 * loopback with tenant {@code acme}'s token, curl to acme's deployed {@code web} service, and
 * what a failed pull left in the store.
 */
final class OciPulls implements AutoCloseable {
    /** The test image's OCI layout, to push from. */
    final Path layout;

    final DockerRegistry registry;
    final ControlPlane cp;
    final Http http;
    /** Tenant acme's token. */
    final String token;

    private final Path data;

    private OciPulls(Path scratch, DockerRegistry registry, ControlPlane cp) {
        this.layout = scratch.resolve("layout");
        this.data = scratch.resolve("data");
        this.registry = registry;
        this.cp = cp;
        this.http = new Http(cp.apiUrl());
        this.token = http.tenantToken(Guests.adminToken(cp), "acme");
    }

    /**
     * Builds the layout and starts the registry (plain HTTP, or HTTPS with basic auth for {@link
     * DockerRegistry#USER}) and the control plane (Wisp home {@code home}, data under {@code scratch}).
     */
    static OciPulls start(Path scratch, boolean tls, Path home) throws Exception {
        OciTestImage.build(Files.createDirectories(scratch.resolve("work")), scratch.resolve("layout"));
        Path dir = scratch.resolve("registry");
        DockerRegistry registry = tls ? DockerRegistry.startTls(dir) : DockerRegistry.start(dir);
        try {
            Path data = scratch.resolve("data");
            return new OciPulls(
                    scratch, registry, ControlPlane.start(Guests.reachingLoopback(Guests.config(data, home))));
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** {@code POST /v1/images/pull} as acme. */
    Http.Answer pull(String body) {
        return http.post("/v1/images/pull", token, body);
    }

    /** Waits until acme's {@code web} serves {@code revision}. */
    void awaitServing(int revision) throws InterruptedException {
        Guests.awaitServing(http, token, "web", revision, Duration.ofSeconds(240));
    }

    /** {@code curl} through the plane's router to {@code web.acme.localhost}: the body, a space, the status. */
    String getWeb(String path) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder(
                        "curl",
                        "-s",
                        "-w",
                        " %{http_code}",
                        "-H",
                        "Host: web.acme.localhost",
                        "http://127.0.0.1:" + cp.routerPort() + path)
                .start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor()).isZero();
        return out;
    }

    /** Entries of the image store a pull in progress or a failed one left (dot-named). */
    long leftovers() throws IOException {
        try (Stream<Path> s = Files.list(data.resolve("images"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }

    @Override
    public void close() throws Exception {
        Closeables.closeAll(cp, registry);
    }
}
