package dev.wisp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code wisp image build|ls|rm}. */
@Command(name = "image", description = "Build and manage guest images.",
        subcommands = {ImageCommand.Build.class, ImageCommand.List_.class, ImageCommand.Remove.class})
final class ImageCommand {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Command(name = "build", description = "Pack a folder (an app, a static binary, scripts) into a bootable image.")
    static final class Build extends OutputCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The app's folder; it appears as /app in the guest.")
        Path folder;

        @Option(names = "--entrypoint", required = true, paramLabel = "CMD",
                description = "Shell command started in /app; it must listen on --port.")
        String entrypoint;

        @Option(names = "--port", defaultValue = "8080", description = "Port the app listens on (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--with-deb", paramLabel = "PKG",
                description = "Add a Debian package and the libraries it needs (repeatable), e.g. nginx-light.")
        List<String> debs = new ArrayList<>();

        @Option(names = "--disk", description = "Put the app on an ext4 disk instead of the initramfs (automatic above 64 MiB).")
        Boolean disk;

        @Option(names = "--json", description = "Print the image as JSON.")
        boolean json;

        @Mixin
        HostOptions host;

        @Override
        public Integer call() throws Exception {
            ImageBuilder b = ImageBuilder.fromFolder(folder).entrypoint(entrypoint).port(port).withDebs(debs);
            if (disk != null) {
                b.disk(disk);
            }
            Image image = b.build(host.kernel(), host.images());
            if (json) {
                out().println(JSON.writeValueAsString(describe(image)));
            } else {
                out().println(image.id());
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "List images in the store.")
    static final class List_ extends OutputCommand implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<Image> images = ImageStore.atDefaultHome().list();
            if (json) {
                out().println(JSON.writeValueAsString(images.stream().map(ImageCommand::describe).toList()));
                return 0;
            }
            out().printf("%-16s  %10s  %-6s  %s%n", "ID", "SIZE", "PORT", "ENTRYPOINT");
            for (Image i : images) {
                out().printf("%-16s  %10s  %-6d  %s%n", i.id(), Sizes.human(i.initrdBytes() + i.diskBytes()),
                        i.port(), i.entrypoint());
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Delete an image from the store.")
    static final class Remove extends OutputCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "Image id (or a unique prefix).")
        String id;

        @Override
        public Integer call() {
            ImageStore store = ImageStore.atDefaultHome();
            Image image = store.get(id).orElseThrow(() -> new IllegalArgumentException("no image " + id));
            store.delete(image.id());
            out().println("deleted " + image.id());
            return 0;
        }
    }

    static Map<String, Object> describe(Image i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("digest", i.digest());
        m.put("entrypoint", i.entrypoint());
        m.put("port", i.port());
        m.put("kernelVersion", i.kernelVersion());
        m.put("initrdBytes", i.initrdBytes());
        m.put("diskBytes", i.diskBytes());
        m.put("debs", i.debs());
        m.put("dir", i.dir().toString());
        m.put("createdAt", i.createdAt().toString());
        return m;
    }

    private ImageCommand() {
    }
}
