package dev.wisp.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.oci.Digest;
import dev.wisp.oci.LayerStore;
import dev.wisp.oci.RootFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.ObjLongConsumer;
import java.util.stream.Stream;

/**
 * Read-only ext4 disks of image layers, one per layer chain (so the same disk serves every image
 * whose layers up to it are the same), each with its {@link LayerIndex}; images hard-link the disks
 * they stack, so a disk stays as long as an image uses it. A disk is labelled {@code wisp-l<N>}, N
 * its place in the chain (the same for every image sharing it): the guest's init finds it by label.
 */
final class LayerDisks implements LayerStore {
    /** Disks a guest gets at most: microvm has 24 virtio-mmio slots, one for the network, one for the top. */
    static final int MAX_LAYERS = 16;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final ObjLongConsumer<String> times;

    LayerDisks(Path dir) {
        this(dir, (step, nanos) -> {});
    }

    /** @param times told how long each step of making a disk took (summed by the caller) */
    LayerDisks(Path dir, ObjLongConsumer<String> times) {
        this.dir = dir;
        this.times = times;
    }

    static String label(int index) {
        return "wisp-l" + index;
    }

    Path disk(Digest chain) {
        return dir.resolve(chain.hex() + ".ext4");
    }

    private Path index(Digest chain) {
        return dir.resolve(chain.hex() + ".json");
    }

    @Override
    public boolean has(Digest chain) {
        if (!(Files.isRegularFile(index(chain)) && Files.isRegularFile(disk(chain)))) {
            return false;
        }
        try {
            // in use from now: prune leaves a disk touched within its grace to the pull linking it
            Files.setLastModifiedTime(index(chain), FileTime.from(Instant.now()));
            return true;
        } catch (IOException e) {
            return false; // pruned just now
        }
    }

    /**
     * Removes the layer disks no image links (an image holds a hard link to each disk it stacks),
     * and leftovers of disks never finished, unless made or used by a pull within {@code grace}:
     * a pull links the disks it found only once its own layers are made.
     *
     * @return how many disks were removed
     */
    int prune(Duration grace) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(grace);
        int disks = 0;
        List<Path> all;
        try (Stream<Path> list = Files.list(dir)) {
            all = list.sorted().toList();
        }
        for (Path p : all) {
            try {
                disks += pruneOne(p, cutoff);
            } catch (NoSuchFileException e) {
                // removed with its index just now, or by a prune running beside this one
            }
        }
        return disks;
    }

    /** @return 1 if {@code p} was an index whose unused disk was removed with it */
    private int pruneOne(Path p, Instant cutoff) throws IOException {
        String name = p.getFileName().toString();
        if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(cutoff)) {
            return 0;
        }
        if (name.startsWith(".tmp-")) {
            Files.deleteIfExists(p);
        } else if (name.endsWith(".ext4")
                && !Files.exists(dir.resolve(name.replace(".ext4", ".json")))
                && unlinked(p)) {
            Files.deleteIfExists(p); // a disk whose index was never written
        } else if (name.endsWith(".json")) {
            Path disk = dir.resolve(name.substring(0, name.length() - ".json".length()) + ".ext4");
            if (!Files.isRegularFile(disk, LinkOption.NOFOLLOW_LINKS) || unlinked(disk)) {
                // the index first: without it the disk is not there for a pull
                Files.delete(p);
                return Files.deleteIfExists(disk) ? 1 : 0;
            }
        }
        return 0;
    }

    /** Whether no image links the disk (its only name is here). */
    private static boolean unlinked(Path disk) throws IOException {
        return (Integer) Files.getAttribute(disk, "unix:nlink", LinkOption.NOFOLLOW_LINKS) == 1;
    }

    LayerIndex read(Digest chain) {
        try {
            return JSON.readValue(index(chain).toFile(), LayerIndex.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void put(int index, Digest chain, RootFs layer) throws IOException {
        Files.createDirectories(dir);
        String tmp = ".tmp-" + UUID.randomUUID();
        Path disk = dir.resolve(tmp + ".ext4");
        Path json = dir.resolve(tmp + ".json");
        try {
            long t0 = System.nanoTime();
            LayerIndex.Scan scan = LayerIndex.scan(layer);
            times.accept("scan", System.nanoTime() - t0);
            Ext4Image.buildLayer(
                    disk,
                    chain.hex().substring(0, 32),
                    label(index),
                    layer.root().getParent(),
                    layer,
                    scan.content(),
                    scan.count(),
                    times);
            long t1 = System.nanoTime();
            String sha256 = ImageDigest.sha256(disk);
            times.accept("hash", System.nanoTime() - t1);
            LayerIndex li = new LayerIndex(
                    sha256, layer.files(), layer.bytes(), layer.whiteouts(), layer.opaque(), scan.entries());
            JSON.writeValue(json.toFile(), li);
            // the index goes last: it is what says the disk is whole
            Files.move(disk, disk(chain), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(json, index(chain), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(disk);
            Files.deleteIfExists(json);
        }
    }
}
