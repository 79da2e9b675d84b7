package dev.wisp.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.common.FileTrees;
import dev.wisp.common.WispHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Images kept under {@code $WISP_HOME/images/<id>/}. An image folder appears whole or not at all:
 * builds happen in a hidden temp folder that is renamed into place.
 */
public final class ImageStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{4,64}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path images;

    /** @param home Wisp's home directory; images live in its {@code images/} folder */
    public ImageStore(Path home) {
        this.images = home.resolve("images");
    }

    /** @return the store under {@link WispHome#resolve()} */
    public static ImageStore atDefaultHome() {
        return new ImageStore(WispHome.resolve());
    }

    /** @return the folder holding one subfolder per image */
    public Path root() {
        return images;
    }

    /**
     * @param id a full id or an unambiguous prefix of at least 4 hex digits
     * @return the image, or empty if none (or several) match
     */
    public Optional<Image> get(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path exact = images.resolve(id);
        if (Files.isRegularFile(exact.resolve(Image.MANIFEST))) {
            return Optional.of(read(exact));
        }
        List<Image> matches = list().stream().filter(i -> i.id().startsWith(id)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    /** @return every image, oldest first */
    public List<Image> list() {
        if (!Files.isDirectory(images)) {
            return List.of();
        }
        List<Image> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(images)) {
            for (Path d : dirs.sorted().toList()) {
                if (!d.getFileName().toString().startsWith(".") && Files.isRegularFile(d.resolve(Image.MANIFEST))) {
                    all.add(read(d));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.sort(Comparator.comparing(Image::createdAt).thenComparing(Image::id));
        return all;
    }

    /**
     * Removes an image. The folder is renamed away first, so readers never see half of it.
     *
     * @param id a full id or an unambiguous prefix
     * @return whether an image was removed
     */
    public boolean delete(String id) {
        Optional<Image> image = get(id);
        if (image.isEmpty()) {
            return false;
        }
        Path doomed = images.resolve(".del-" + UUID.randomUUID());
        try {
            Files.move(image.get().dir(), doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return false; // deleted concurrently
        }
        FileTrees.delete(doomed);
        pruneLayers(LAYER_GRACE);
        return true;
    }

    /** How long a layer disk no image uses is kept after a pull made or used it: see {@link #pruneLayers}. */
    public static final Duration LAYER_GRACE = Duration.ofMinutes(10);

    /**
     * Removes the shared layer disks of stacked OCI images ({@code oci-layers/} beside the store)
     * that no image in the store uses any more, unless a pull made or used them within {@code
     * grace} (it links them into its image only at its end). Deleting an image does this too,
     * with {@link #LAYER_GRACE}.
     *
     * @return how many layer disks were removed
     */
    public int pruneLayers(Duration grace) {
        try {
            return new LayerDisks(images.resolveSibling("oci-layers")).prune(grace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a new hidden folder inside the store, on the same file system as the images */
    Path newStaging() {
        try {
            Files.createDirectories(images);
            return Files.createDirectory(images.resolve(".tmp-" + UUID.randomUUID()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Moves a finished staging folder into place, unless an image with that id exists already:
     * then the staging folder is dropped and the stored image, unchanged, is returned.
     *
     * @throws IllegalStateException if the stored image of that id has another digest (64-bit ids collide)
     */
    Image commit(Path staging, Image image) {
        Path target = images.resolve(image.id());
        if (Files.isDirectory(target)) {
            FileTrees.delete(staging);
            return sameDigest(read(target), image);
        }
        try {
            Files.writeString(staging.resolve(Image.MANIFEST), JSON.writeValueAsString(toJson(image)) + "\n");
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            FileTrees.delete(staging); // a concurrent build of the same content won
        } catch (IOException e) {
            FileTrees.delete(staging);
            throw new UncheckedIOException(e);
        }
        return sameDigest(read(target), image);
    }

    /**
     * Adds an image received from elsewhere (an upload) whose files the caller has hashed: its id
     * and digest are derived here from those hashes, entrypoint and port (see {@link ImageDigest}),
     * never taken from the sender, and the store writes its own manifest. The folder must hold
     * {@code initrd.img} and, if {@code diskSha256} is not null, {@code disk.ext4}, and lie in
     * this store's folder (see {@link #root()}); it is moved into place or, if the image is stored
     * already, deleted. A stacked image's folder also holds {@code layer-N.ext4} for each of
     * {@code layerSha256} (see {@link Image#layerDisks()}; empty for a single-disk image).
     *
     * @param kernelVersion what the sender says the image's modules are for (informational)
     * @return the stored image
     */
    public Image add(
            Path folder,
            String entrypoint,
            int port,
            String initrdSha256,
            String diskSha256,
            List<String> layerSha256,
            String kernelVersion,
            String source) {
        String digest = ImageDigest.of(entrypoint, port, initrdSha256, diskSha256, layerSha256);
        try {
            Path initrd = folder.resolve(Image.INITRD);
            Compression compression = gzip(initrd) ? Compression.GZIP : Compression.NONE;
            long diskBytes = diskSha256 == null ? 0 : Files.size(folder.resolve(Image.DISK));
            Image image = new Image(
                    ImageDigest.id(digest),
                    folder,
                    digest,
                    entrypoint,
                    port,
                    kernelVersion,
                    compression,
                    Files.size(initrd),
                    diskBytes,
                    List.of(),
                    List.of(),
                    source,
                    Instant.now());
            return commit(folder, image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Moves images stored before ids covered every byte ({@link ImageDigest#FORMAT}) out of the
     * store, to {@code .legacy-<id>} beside it: their ids may name bytes they were never computed
     * from. Nothing is deleted.
     *
     * @return the ids moved away
     */
    public List<String> retireLegacy() {
        List<String> retired = new ArrayList<>();
        if (!Files.isDirectory(images)) {
            return retired;
        }
        try (Stream<Path> dirs = Files.list(images)) {
            for (Path d : dirs.sorted().toList()) {
                String name = d.getFileName().toString();
                Path manifest = d.resolve(Image.MANIFEST);
                if (name.startsWith(".")
                        || !Files.isRegularFile(manifest)
                        || JSON.readTree(manifest.toFile()).path("format").asInt(0) == ImageDigest.FORMAT) {
                    continue;
                }
                Files.move(
                        d, images.resolve(".legacy-" + name + "-" + UUID.randomUUID()), StandardCopyOption.ATOMIC_MOVE);
                retired.add(name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return retired;
    }

    private static Image sameDigest(Image stored, Image wanted) {
        if (!stored.digest().equals(wanted.digest())) {
            throw new IllegalStateException("image id " + wanted.id() + " is taken by an image of another digest ("
                    + stored.digest() + ", not " + wanted.digest() + ")");
        }
        return stored;
    }

    private static boolean gzip(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static ObjectNode toJson(Image i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", ImageDigest.FORMAT);
        n.put("id", i.id());
        n.put("digest", i.digest());
        n.put("entrypoint", i.entrypoint());
        n.put("port", i.port());
        n.put("kernelVersion", i.kernelVersion());
        n.put("compression", i.compression().name().toLowerCase());
        n.put("initrdBytes", i.initrdBytes());
        n.put("diskBytes", i.diskBytes());
        ObjectNode built = n.putObject("build");
        built.put("source", i.source());
        i.debs().forEach(built.putArray("debs")::add);
        i.packages().forEach(built.putArray("packages")::add);
        built.put("disk", i.diskBytes() > 0);
        built.put("createdAt", i.createdAt().toString());
        return n;
    }

    private static Image read(Path dir) {
        try {
            JsonNode n = JSON.readTree(dir.resolve(Image.MANIFEST).toFile());
            JsonNode b = n.path("build");
            return new Image(
                    n.path("id").asText(),
                    dir,
                    n.path("digest").asText(),
                    n.path("entrypoint").asText(),
                    n.path("port").asInt(),
                    n.path("kernelVersion").asText(),
                    Compression.valueOf(n.path("compression").asText("none").toUpperCase()),
                    n.path("initrdBytes").asLong(),
                    n.path("diskBytes").asLong(),
                    strings(b.path("debs")),
                    strings(b.path("packages")),
                    b.path("source").asText(),
                    Instant.parse(b.path("createdAt").asText(Instant.EPOCH.toString())));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable image manifest in " + dir, e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }
}
