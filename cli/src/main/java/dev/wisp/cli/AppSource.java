package dev.wisp.cli;

import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.KernelProvisioner;
import dev.wisp.image.WispHome;
import dev.wisp.sdk.WispClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a deploy's image comes from, and how it gets onto the control plane: a folder or file built
 * here, an image reference pulled here, or an image id (pushed first if only the local store has
 * it). Builds and pulls are content-addressed, so the same app gives the same id every time.
 *
 * @param dir        an app folder or single file to build, or null
 * @param image      an image id or reference, or null (exactly one of dir and image)
 * @param entrypoint the command for a folder; replaces a reference's Entrypoint
 * @param cmd        replaces a reference's Cmd (empty: the image's)
 * @param port       the app's port, or null for the image's (8080 for a folder)
 * @param debs       Debian packages to add to a folder's image
 */
record AppSource(Path dir, String image, String entrypoint, List<String> cmd, Integer port, List<String> debs) {
    AppSource {
        if ((dir == null) == (image == null)) {
            throw new IllegalArgumentException("give one of a folder (--dir) and an image (--image)");
        }
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        debs = debs == null ? List.of() : List.copyOf(debs);
        boolean reference = image != null && OciPullOptions.isReference(image);
        if (dir == null && (!debs.isEmpty() || (entrypoint != null && !reference))) {
            throw new IllegalArgumentException(
                    "--with-deb goes with --dir; --entrypoint with --dir or an image reference");
        }
        if (!reference && !cmd.isEmpty()) {
            throw new IllegalArgumentException("--cmd goes with --image REF");
        }
    }

    /** The image id on the control plane, building, pulling or pushing as needed. */
    String apiImageId(WispClient wisp, OciPullOptions registry, Consumer<String> log) {
        if (dir != null) {
            if (!Files.exists(dir)) {
                throw new IllegalArgumentException("no folder or file " + dir);
            }
            if (entrypoint == null && Files.isDirectory(dir)) {
                throw new IllegalArgumentException("a folder needs an entrypoint (the command that starts the app)");
            }
            Image built = ImageBuilder.fromFolder(dir)
                    .entrypoint(entrypoint)
                    .port(port == null ? ImageBuilder.DEFAULT_PORT : port)
                    .withDebs(debs)
                    .build(kernel(), ImageStore.atDefaultHome());
            log.accept("built image " + built.id());
            return push(wisp, built, log);
        }
        if (OciPullOptions.isReference(image)) {
            Image pulled = registry.pull(image, entrypoint, cmd, port, kernel(), ImageStore.atDefaultHome());
            log.accept("pulled " + image + " as image " + pulled.id());
            return push(wisp, pulled, log);
        }
        if (wisp.images().stream().anyMatch(i -> image.equals(i.id()))) {
            return image;
        }
        Optional<Image> local = ImageStore.atDefaultHome().get(image);
        return local.isPresent() ? push(wisp, local.get(), log) : image;
    }

    /**
     * Debian's kernel, whatever the nodes boot: its modules in the image make an image that boots on
     * Debian's kernel and on Wisp's (whose init skips modules on a kernel without module support).
     */
    private static dev.wisp.image.Kernel kernel() {
        return new KernelProvisioner(WispHome.resolve()).ensure();
    }

    private static String push(WispClient wisp, Image image, Consumer<String> log) {
        String id = wisp.pushImage(image.dir()).id();
        log.accept("pushed image " + image.id() + " as " + id);
        return id;
    }
}
