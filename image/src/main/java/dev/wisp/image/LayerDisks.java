package dev.wisp.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.oci.Digest;
import dev.wisp.oci.LayerStore;
import dev.wisp.oci.RootFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

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

    LayerDisks(Path dir) {
        this.dir = dir;
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
        return Files.isRegularFile(index(chain)) && Files.isRegularFile(disk(chain));
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
            var entries = LayerIndex.entriesOf(layer);
            Ext4Image.buildLayer(
                    disk,
                    chain.hex().substring(0, 32),
                    label(index),
                    layer.root().getParent(),
                    layer);
            LayerIndex li = new LayerIndex(
                    ImageDigest.sha256(disk), layer.files(), layer.bytes(), layer.whiteouts(), layer.opaque(), entries);
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
