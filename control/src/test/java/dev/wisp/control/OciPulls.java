package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.OciTestImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the image-pull VM tests share: the test image built once into an OCI layout, curl to the
 * deployed {@code web} service of tenant {@code acme}, and what a failed pull left in the store.
 */
final class OciPulls {
    private OciPulls() {}

    /** Builds the test image (tags {@code base} and {@code child}) into {@code scratch/layout}. */
    static Path buildLayout(Path scratch) throws Exception {
        Path layout = scratch.resolve("layout");
        OciTestImage.build(Files.createDirectories(scratch.resolve("work")), layout);
        return layout;
    }

    /** {@code curl} through the plane's router to {@code web.acme.localhost}: the body, a space, the status. */
    static String getWeb(ControlPlane cp, String path) throws IOException, InterruptedException {
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

    /** Entries of the image store under {@code data} a pull in progress or a failed one left (dot-named). */
    static long leftovers(Path data) throws IOException {
        try (Stream<Path> s = Files.list(data.resolve("images"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }
}
