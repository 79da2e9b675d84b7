package dev.wisp.cli;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.OciImageBuilder;
import dev.wisp.image.RegistryLogins;
import dev.wisp.oci.ImageReference;
import dev.wisp.oci.RegistryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Registry options of a pull here ({@code wisp image pull}, {@code wisp deploy --image REF}). */
final class OciPullOptions {
    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            description = "Allow plain HTTP to this registry (loopback always may; repeatable).")
    List<String> insecure = new ArrayList<>();

    @Option(
            names = "--registry-ca",
            paramLabel = "PEM",
            description = "Trust this CA (PEM) for the registry's TLS certificate, besides the system's CAs"
                    + " (default: the one given to wisp registry login, if any).")
    Path caFile;

    @Option(
            names = "--registry-timeout",
            paramLabel = "SECONDS",
            description = "Give up on a registry that does not answer a request within this many seconds"
                    + " (default: ${DEFAULT-VALUE}; 1-3600).",
            defaultValue = "60")
    int timeoutSeconds;

    /** True for what reads as an image reference rather than an image id. */
    static boolean isReference(String s) {
        return !s.matches("[0-9a-f]{4,64}");
    }

    /**
     * Pulls {@code ref} into the local build store with the stored login for its registry.
     *
     * @param entrypoint words replacing the image's Entrypoint (its Cmd is dropped), or null
     * @param cmd        arguments replacing its Cmd, or null
     */
    Image pull(String ref, String entrypoint, List<String> cmd, Integer port, Kernel kernel, ImageStore store) {
        ImageReference r = ImageReference.parse(ref);
        if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
            throw new IllegalArgumentException("--registry-timeout must be 1-3600 seconds, not " + timeoutSeconds);
        }
        RegistryOptions options = new RegistryLogins(WispHome.resolve()).optionsFor(r, Set.copyOf(insecure));
        if (caFile != null) {
            options = options.withCaFile(caFile);
        }
        options = options.withTimeouts(
                options.connectTimeout().compareTo(Duration.ofSeconds(timeoutSeconds)) < 0
                        ? options.connectTimeout()
                        : Duration.ofSeconds(timeoutSeconds),
                Duration.ofSeconds(timeoutSeconds));
        return OciImageBuilder.of(r)
                .registry(options)
                .entrypoint(entrypoint == null ? null : words(entrypoint))
                .cmd(cmd == null || cmd.isEmpty() ? null : cmd)
                .port(port)
                .build(kernel, store);
    }

    /** {@code --entrypoint "/app/server --flag"}: words split on spaces, no shell quoting. */
    static List<String> words(String s) {
        List<String> w = new ArrayList<>();
        for (String part : s.strip().split("\\s+")) {
            if (!part.isEmpty()) {
                w.add(part);
            }
        }
        return w;
    }
}
