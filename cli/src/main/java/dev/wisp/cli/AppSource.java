package dev.wisp.cli;

import dev.wisp.common.WispHome;
import dev.wisp.functions.JavaServiceImages;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.KernelProvisioner;
import dev.wisp.sdk.Resources;
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
 * @param runtime    null, or {@code java}: dir is a runnable jar or a folder of jars and classes
 * @param main       with the java runtime: the main class (a jar's Main-Class when null)
 */
record AppSource(
        Path dir,
        String image,
        String entrypoint,
        List<String> cmd,
        Integer port,
        List<String> debs,
        String runtime,
        String main) {
    /** The one runtime a deploy names: the others (a folder's entrypoint, an image's) need none. */
    static final String JAVA = "java";

    AppSource {
        if (runtime != null && !runtime.equals(JAVA)) {
            throw new IllegalArgumentException("runtime must be java (or left out), got '" + runtime + "'");
        }
        if (runtime != null && (dir == null || entrypoint != null)) {
            throw new IllegalArgumentException("--runtime java goes with --dir (a jar, or a folder with --main),"
                    + " and without --entrypoint: the JVM starts the app");
        }
        if (main != null && runtime == null) {
            throw new IllegalArgumentException("--main goes with --runtime java");
        }
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
            if (JAVA.equals(runtime)) {
                JavaServiceImages.mainClass(dir, main); // bad input fails before the kernel is fetched
                Image built = JavaServiceImages.build(
                        dir,
                        main,
                        port == null ? ImageBuilder.DEFAULT_PORT : port,
                        debs,
                        kernel(),
                        ImageStore.atDefaultHome(),
                        WispHome.resolve().resolve("cache"));
                log.accept("built Java service image " + built.id());
                return push(wisp, built, log);
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
     * The guest size to ask for: a Java service's default when none is given, and never below the
     * JVM's floor; other apps' as given (null: the platform's default).
     */
    Resources resources(Resources given) {
        if (!JAVA.equals(runtime)) {
            return given;
        }
        Integer memory = given == null ? null : given.memoryMiB();
        if (memory == null) {
            return new Resources(given == null ? null : given.vcpus(), JavaServiceImages.DEFAULT_MEMORY_MIB);
        }
        if (memory < JavaServiceImages.MIN_MEMORY_MIB) {
            throw new IllegalArgumentException("a Java service needs at least " + JavaServiceImages.MIN_MEMORY_MIB
                    + " MiB of memory, got " + memory + " (default " + JavaServiceImages.DEFAULT_MEMORY_MIB + ")");
        }
        return given;
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
