package dev.wisp.cli;

import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the examples/ folder of the checkout this wisp runs from, and builds its images. */
final class ExampleApps {
    static final String HELLO_ENTRYPOINT = "httpd -f -p 8080 -h www";
    /**
     * The hello app, then a busy loop that keeps its vCPU at 100 % (a noisy neighbour): httpd goes
     * to the background first, so the guest listens before the loop takes its vCPU.
     */
    static final String BURNER_ENTRYPOINT = "httpd -p 8080 -h www && while :; do :; done";

    private ExampleApps() {}

    static Path examplesDir() {
        String override = System.getenv("WISP_EXAMPLES");
        if (override != null) {
            return Path.of(override);
        }
        try {
            Path jar = Path.of(Main.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("examples/hello"))) {
                    return p.resolve("examples");
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // Fall through to the error below.
        }
        throw new Errors.HostException(
                "cannot find the examples/ folder: run wisp from its checkout or set WISP_EXAMPLES");
    }

    /** The hello app: busybox httpd serving a page and a CGI that tells which instance answered. */
    static Image hello(Kernel kernel, ImageStore store) {
        return ImageBuilder.fromFolder(examplesDir().resolve("hello"))
                .entrypoint(HELLO_ENTRYPOINT)
                .port(8080)
                .build(kernel, store);
    }

    /** The hello app with a shell loop burning its vCPU from boot on. */
    static Image burner(Kernel kernel, ImageStore store) {
        return ImageBuilder.fromFolder(examplesDir().resolve("hello"))
                .entrypoint(BURNER_ENTRYPOINT)
                .port(8080)
                .build(kernel, store);
    }
}
