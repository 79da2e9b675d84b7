package dev.wisp.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImagePuller#pullLayers}: each layer on its own, its whiteouts kept for overlayfs, known chains skipped. */
class LayeredPullTest {
    @TempDir
    Path tmp;

    /** Keeps what each layer held, as a layer disk store would, and the chains it was given. */
    private static final class Kept implements LayerStore {
        final Map<Digest, RootFs> layers = new HashMap<>();
        final Map<Digest, List<String>> files = new HashMap<>();
        final List<Integer> put = new ArrayList<>();

        @Override
        public boolean has(Digest chainId) {
            return layers.containsKey(chainId);
        }

        @Override
        public void put(int index, Digest chainId, RootFs layer) throws java.io.IOException {
            put.add(index);
            layers.put(chainId, layer);
            try (var walk = Files.walk(layer.root())) {
                files.put(
                        chainId,
                        walk.map(p -> layer.root().relativize(p).toString())
                                .sorted()
                                .toList());
            }
        }
    }

    private PulledLayers pull(String tag, LayerStore store) {
        return new ImagePuller(
                        new RegistryClient(RegistryOptions.defaults()),
                        new BlobCache(tmp.resolve("cache")),
                        Limits.defaults())
                .pullLayers(
                        ImageReference.parse("oci:" + tmp.resolve("layout") + ":" + tag),
                        Files.exists(tmp.resolve("scratch")) ? tmp.resolve("scratch") : mkdir("scratch"),
                        store,
                        16);
    }

    private Path mkdir(String name) {
        try {
            return Files.createDirectories(tmp.resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TestImages.Layer base() throws Exception {
        Path l = mkdir("base");
        Files.createDirectories(l.resolve("www/sub"));
        Files.writeString(l.resolve("www/old.txt"), "old\n");
        Files.writeString(l.resolve("www/sub/a"), "a\n");
        return TestImages.Layer.gzip(TestImages.tar(l));
    }

    private TestImages.Layer top() throws Exception {
        Path l = mkdir("top");
        Files.createDirectories(l.resolve("www/sub"));
        Files.createFile(l.resolve("www/.wh.old.txt"));
        Files.createFile(l.resolve("www/sub/.wh..wh..opq"));
        Files.writeString(l.resolve("www/sub/b"), "b\n");
        return TestImages.Layer.plain(TestImages.tar(l));
    }

    @Test
    void aLayerOnItsOwn_keepsItsWhiteoutsAndOpaqueFoldersForOverlayfs() throws Exception {
        TestImages.writeImage(tmp.resolve("layout"), "two", "amd64", List.of(base(), top()));
        Kept store = new Kept();

        PulledLayers p = pull("two", store);

        assertThat(p.chainIds()).hasSize(2).doesNotHaveDuplicates();
        assertThat(store.put).containsExactly(0, 1);
        RootFs upper = store.layers.get(p.chainIds().get(1));
        assertThat(upper.whiteouts()).containsExactly("www/old.txt");
        assertThat(upper.opaque()).containsExactly("www/sub");
        // nothing of the base in the top layer's tree, and no whiteout files either
        assertThat(store.files.get(p.chainIds().get(1))).containsExactly("", "www", "www/sub", "www/sub/b");
        assertThat(store.layers.get(p.chainIds().get(0)).whiteouts()).isEmpty();
        assertThat(tmp.resolve("scratch")).isEmptyDirectory();
    }

    @Test
    void anImageOnAKnownBase_unpacksOnlyItsOwnLayer() throws Exception {
        TestImages.Layer base = base();
        TestImages.writeImage(tmp.resolve("layout"), "one", "amd64", List.of(base));
        TestImages.writeImage(tmp.resolve("layout"), "two", "amd64", List.of(base, top()));
        Kept store = new Kept();
        PulledLayers one = pull("one", store);

        PulledLayers two = pull("two", store);

        assertThat(two.chainIds().get(0)).isEqualTo(one.chainIds().get(0));
        assertThat(store.put).containsExactly(0, 1);
    }

    @Test
    void aHardlinkIntoALowerLayer_asksForOneRoot() throws Exception {
        Path lower = mkdir("lower");
        Files.writeString(lower.resolve("f"), "f\n");
        // GNU tar links only within one archive: archive f and g (a link to it), then drop f
        Path t = mkdir("t");
        Files.writeString(t.resolve("f"), "f\n");
        Tools.run(t, "sh", "-c", "ln f g && tar --numeric-owner -cf ../hl.tar f g && tar --delete -f ../hl.tar f");
        TestImages.writeImage(
                tmp.resolve("layout"),
                "hl",
                "amd64",
                List.of(
                        TestImages.Layer.plain(TestImages.tar(lower)),
                        TestImages.Layer.plain(Files.readAllBytes(tmp.resolve("hl.tar")))));

        assertThatThrownBy(() -> pull("hl", new Kept()))
                .isInstanceOfSatisfying(
                        OciException.class,
                        e -> assertThat(ImagePuller.needsOneRoot(e)).isTrue());
        // the whole root, applied in one tree, has the link
        new ImagePuller(
                        new RegistryClient(RegistryOptions.defaults()),
                        new BlobCache(tmp.resolve("cache")),
                        Limits.defaults())
                .pull(ImageReference.parse("oci:" + tmp.resolve("layout") + ":hl"), tmp.resolve("root"));
        assertThat(tmp.resolve("root/g")).hasContent("f");
    }
}
