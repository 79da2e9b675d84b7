package dev.wisp.cli;

import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.OciImageBuilder;
import dev.wisp.image.RegistryLogins;
import dev.wisp.image.WispHome;
import dev.wisp.oci.ImageReference;
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
        return OciImageBuilder.of(r)
                .registry(new RegistryLogins(WispHome.resolve()).optionsFor(r, Set.copyOf(insecure)))
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
