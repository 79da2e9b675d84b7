package dev.wisp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wisp image build|pull|push|ls|rm|prune}: build, pull and prune stay local; push, ls and rm
 * talk to the control plane (--local: the build store).
 */
@Command(
        name = "image",
        description = "Build guest images here; push, list and delete them on the control plane.",
        subcommands = {
            ImageCommand.Build.class,
            ImageCommand.Pull.class,
            ImageCommand.Push.class,
            ImageCommand.List_.class,
            ImageCommand.Remove.class,
            ImageCommand.Prune.class
        })
final class ImageCommand {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Command(name = "build", description = "Pack a folder (an app, a static binary, scripts) into a bootable image.")
    static final class Build extends LocalImageCommand {
        @Parameters(
                index = "0",
                paramLabel = "DIR|FILE",
                description = "The app's folder (it appears as /app in the guest), or one file such as a static"
                        + " binary (it becomes /app/NAME and the entrypoint).")
        Path folder;

        @Option(
                names = "--entrypoint",
                paramLabel = "CMD",
                description = "Shell command started in /app; it must listen on --port. Needed for a folder.")
        String entrypoint;

        @Option(
                names = "--port",
                defaultValue = "8080",
                description = "Port the app listens on (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(
                names = "--with-deb",
                paramLabel = "PKG",
                description =
                        "Install a Debian package with its dependencies, as Debian would (repeatable), e.g. nginx-light;"
                                + " pin a version with NAME=VERSION (docs/debian-packages.md).")
        List<String> debs = new ArrayList<>();

        @Option(
                names = "--disk",
                description = "Put the app on an ext4 disk instead of the initramfs (automatic above 64 MiB).")
        Boolean disk;

        @Override
        Image make() throws Exception {
            if (entrypoint == null && Files.isDirectory(folder)) {
                throw new IllegalArgumentException("a folder needs --entrypoint (the command that starts the app)");
            }
            ImageBuilder b = ImageBuilder.fromFolder(folder)
                    .entrypoint(entrypoint)
                    .port(port)
                    .withDebs(debs);
            if (disk != null) {
                b.disk(disk);
            }
            return b.build(host.kernel(), host.images());
        }
    }

    @Command(
            name = "pull",
            description = "Pull a container image (host[:port]/name:tag, name@sha256:..., oci:DIR, oci-archive:FILE,"
                    + " docker-archive:FILE) into a"
                    + " local image; prints its id.")
    static final class Pull extends LocalImageCommand {
        @Parameters(index = "0", paramLabel = "REF", description = "The image reference.")
        String ref;

        @Option(
                names = "--entrypoint",
                paramLabel = "CMD",
                description = "Replace the image's Entrypoint (words split on spaces) and drop its Cmd.")
        String entrypoint;

        @Option(names = "--cmd", paramLabel = "ARG", description = "Replace the image's Cmd (repeatable).")
        List<String> cmd = new ArrayList<>();

        @Option(names = "--port", paramLabel = "PORT", description = "Port the app listens on (default: the image's).")
        Integer port;

        @Mixin
        OciPullOptions registry;

        @Override
        Image make() throws Exception {
            return registry.pull(ref, entrypoint, cmd, port, host.kernel(), host.images());
        }
    }

    @Command(
            name = "push",
            description = "Upload a built image (a local image id or an image folder) to the control plane.")
    static final class Push extends TenantApiCommand {
        @Parameters(paramLabel = "ID|DIR", description = "A local image id (wisp image ls --local) or an image folder.")
        String source;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Path dir = Path.of(source);
            if (!Files.isDirectory(dir)) {
                dir = ImageStore.atDefaultHome()
                        .get(source)
                        .map(Image::dir)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "no local image or image folder '" + source + "' (see: wisp image ls --local)"));
            }
            dev.wisp.sdk.Image pushed = api.client().pushImage(dir);
            out().println(json.on ? Json.pretty(pushed) : pushed.id());
            return 0;
        }
    }

    @Command(name = "ls", description = "List images on the control plane (--local: in this machine's build store).")
    static final class List_ extends TenantApiCommand {
        @Mixin
        JsonOption json;

        @Option(names = "--local", description = "List the local build store instead of the control plane.")
        boolean local;

        @Override
        public Integer call() throws Exception {
            if (!local) {
                json.table(
                        out(),
                        api.client().images(),
                        new Table("ID", "SIZE", "CREATED", "USED BY"),
                        (t, i) -> t.row(
                                i.id(),
                                i.sizeBytes() == null ? null : Sizes.human(i.sizeBytes()),
                                i.createdAt(),
                                i.usedBy() == null || i.usedBy().isEmpty() ? "-" : String.join(",", i.usedBy())));
                return 0;
            }
            List<Image> images = ImageStore.atDefaultHome().list();
            if (json.on) {
                out().println(JSON.writeValueAsString(
                        images.stream().map(ImageCommand::describe).toList()));
                return 0;
            }
            out().printf("%-16s  %10s  %-6s  %s%n", "ID", "SIZE", "PORT", "ENTRYPOINT");
            for (Image i : images) {
                out().printf(
                                "%-16s  %10s  %-6d  %s%n",
                                i.id(),
                                // layer disks count for each image on them (they are shared files)
                                Sizes.human(i.initrdBytes() + i.diskBytes() + i.layerBytes()),
                                i.port(),
                                i.entrypoint());
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Delete an image from the control plane (--local: from the build store).")
    static final class Remove extends TenantApiCommand {
        @Parameters(paramLabel = "ID", description = "Image id (local: or a unique prefix).")
        String id;

        @Option(names = "--local", description = "Delete from the local build store instead of the control plane.")
        boolean local;

        @Override
        public Integer call() {
            if (!local) {
                api.client().deleteImage(id);
                out().println("deleted " + id);
                return 0;
            }
            ImageStore store = ImageStore.atDefaultHome();
            Image image = store.get(id).orElseThrow(() -> new IllegalArgumentException("no image " + id));
            store.delete(image.id());
            out().println("deleted " + image.id());
            return 0;
        }
    }

    @Command(
            name = "prune",
            description = "Delete the shared layer disks of pulled container images that no local image uses any more.")
    static final class Prune extends OutputCommand implements Callable<Integer> {
        @Option(
                names = "--grace",
                paramLabel = "SECONDS",
                defaultValue = "600",
                description = "Keep disks a pull made or used within this many seconds, for pulls still running"
                        + " (default: ${DEFAULT-VALUE}).")
        long graceSeconds;

        @Override
        public Integer call() {
            if (graceSeconds < 0) {
                throw new IllegalArgumentException("--grace must be 0 or more seconds, not " + graceSeconds);
            }
            int n = ImageStore.atDefaultHome().pruneLayers(Duration.ofSeconds(graceSeconds));
            out().println("removed " + n + " unused layer disk" + (n == 1 ? "" : "s"));
            return 0;
        }
    }

    /** Makes an image here and prints its id, or with {@code --json} its description. */
    abstract static class LocalImageCommand extends OutputCommand implements Callable<Integer> {
        @Mixin
        JsonOption json;

        @Mixin
        HostOptions host;

        abstract Image make() throws Exception;

        @Override
        public final Integer call() throws Exception {
            Image image = make();
            json.print(out(), describe(image), d -> image.id() + "\n");
            return 0;
        }
    }

    /** What {@code --json} shows of a local image: its manifest's fields, with the folder and the time as text. */
    record Described(
            String id,
            String digest,
            String entrypoint,
            int port,
            String kernelVersion,
            long initrdBytes,
            long diskBytes,
            long layerBytes,
            List<String> debs,
            String source,
            String dir,
            String createdAt) {}

    static Described describe(Image i) {
        return new Described(
                i.id(),
                i.digest(),
                i.entrypoint(),
                i.port(),
                i.kernelVersion(),
                i.initrdBytes(),
                i.diskBytes(),
                i.layerBytes(),
                i.debs(),
                i.source(),
                i.dir().toString(),
                i.createdAt().toString());
    }

    private ImageCommand() {}
}
