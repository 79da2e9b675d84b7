package dev.wisp.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.ObjLongConsumer;

/**
 * Pulls an image (from a registry, an OCI layout or archive, or a docker save archive) into a root
 * directory: resolves an index to linux/amd64, fetches config and layers through the {@link
 * BlobCache} (layers a few at a time), applies the layers in order.
 * A pull that fails leaves the root directory empty (or absent, if it made it).
 */
public final class ImagePuller {
    /** Wisp runs x86-64 guests. */
    static final String OS = "linux";

    static final String ARCH = "amd64";
    private static final int MAX_LAYERS = 256;
    private static final String TOO_MANY_TO_STACK = "more than a guest stacks";

    private final RegistryClient registry;
    private final BlobCache cache;
    private final Limits limits;
    private final ObjectMapper json = new ObjectMapper();
    private final ObjLongConsumer<String> times;
    private Executor deletes = Runnable::run;

    public ImagePuller(RegistryClient registry, BlobCache cache, Limits limits) {
        this(registry, cache, limits, (step, nanos) -> {});
    }

    /**
     * As {@link #ImagePuller(RegistryClient, BlobCache, Limits)}, timed.
     *
     * @param times told how many nanoseconds the steps of {@link #pullLayers} took, several times
     *     for a step done per layer (the caller sums): {@code resolve}, {@code download} (of
     *     layers fetched ahead, on their own threads), {@code download-wait} (unpacking waiting for
     *     one of those), {@code unpack} (download of the layer streamed into it, decompression, tar,
     *     digests), {@code layer-disk} and {@code cleanup} (deleting the unpacked layer, where
     *     {@link #deleteLayersOn} says); for benchmarks
     */
    public ImagePuller(RegistryClient registry, BlobCache cache, Limits limits, ObjLongConsumer<String> times) {
        this.registry = registry;
        this.cache = cache;
        this.limits = limits;
        this.times = Objects.requireNonNull(times, "times");
    }

    /**
     * @param executor where {@link #pullLayers} deletes each layer's unpacked tree once the store
     *     has it (default: at once, on the pulling thread); another thread lets the deletion overlap
     *     what follows, and the caller waits for the executor before it removes the scratch folder
     * @return this
     */
    public ImagePuller deleteLayersOn(Executor executor) {
        this.deletes = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /** Pulls {@code ref} into {@code rootDir}, which must be absent or empty. */
    public PulledImage pull(ImageReference ref, Path rootDir) {
        boolean made = !Files.exists(rootDir);
        try {
            if (!made && !isEmptyDir(rootDir)) {
                throw new OciException("root directory " + rootDir + " is not empty");
            }
            try (ImageSource source = open(ref)) {
                return pull(ref, source, rootDir);
            }
        } catch (IOException e) {
            clean(rootDir, made);
            throw new OciException("pulling " + ref + " failed: " + RegistryClient.rootMessage(e), e);
        } catch (RuntimeException e) {
            clean(rootDir, made);
            throw e;
        }
    }

    private ImageSource open(ImageReference ref) throws IOException {
        String name = ref.toString();
        return switch (ref.kind()) {
            case REGISTRY -> registry.open(ref);
            case OCI_DIR -> new OciLayout(LayoutFiles.directory(ref.path()), name);
            case OCI_ARCHIVE -> withFiles(LayoutFiles.tar(ref.path()), f -> new OciLayout(f, name));
            case DOCKER_ARCHIVE -> withFiles(LayoutFiles.tar(ref.path()), f -> new DockerArchive(f, name));
        };
    }

    private interface SourceOf {
        ImageSource open(LayoutFiles files) throws IOException;
    }

    /** Opens a source on an archive, closing the archive if that fails. */
    private static ImageSource withFiles(LayoutFiles files, SourceOf of) throws IOException {
        try {
            return of.open(files);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /** A manifest resolved to linux/amd64, with its config read and checked. */
    private record Resolved(Digest manifestDigest, ImageConfig config, List<Descriptor> layers) {
        Digest diffId(int i) {
            return config.diffIds().isEmpty() ? null : config.diffIds().get(i);
        }
    }

    private Resolved resolve(ImageReference ref, ImageSource source) throws IOException {
        String wanted = ref.kind() == ImageReference.Kind.REGISTRY ? ref.manifestReference() : ref.tag();
        ImageSource.RawManifest raw = source.manifest(wanted);
        JsonNode doc = parse(raw.bytes(), ref + " manifest");
        String type = mediaType(raw, doc);
        if (MediaTypes.isIndex(type)) {
            Descriptor d = pickPlatform(ref, doc);
            raw = source.manifest(d.digest().toString());
            if (!raw.digest().equals(d.digest())) {
                throw new OciException(ref + ": manifest " + d.digest() + " arrived with digest " + raw.digest());
            }
            doc = parse(raw.bytes(), ref + " manifest " + d.digest());
            type = mediaType(raw, doc);
        }
        if (!MediaTypes.isManifest(type)) {
            throw new OciException(
                    ref + ": unsupported manifest type '" + type + "' (want an OCI or Docker v2 schema 2 image)");
        }
        Descriptor configDesc = Descriptor.from(doc.get("config"), ref + " manifest config");
        if (configDesc.size() > RegistryClient.MAX_MANIFEST_BYTES) {
            throw new OciException(ref + ": config blob of " + configDesc.size() + " bytes is larger than "
                    + RegistryClient.MAX_MANIFEST_BYTES);
        }
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : doc.path("layers")) {
            Descriptor d = Descriptor.from(l, ref + " manifest layer");
            if (!MediaTypes.isLayer(d.mediaType())) {
                throw new OciException(
                        ref + ": layer " + d.digest() + " has unsupported media type '" + d.mediaType() + "'");
            }
            layers.add(d);
        }
        if (layers.size() > MAX_LAYERS) {
            throw new OciException(ref + ": " + layers.size() + " layers, more than the limit of " + MAX_LAYERS);
        }
        ImageConfig config = ImageConfig.parse(Files.readAllBytes(cache.fetch(configDesc, source)), ref + " config");
        if (!config.os().isEmpty() && !(OS.equals(config.os()) && ARCH.equals(config.architecture()))) {
            throw new OciException(ref + " is a " + config.os() + "/" + config.architecture() + " image; Wisp runs "
                    + OS + "/" + ARCH);
        }
        if (!config.diffIds().isEmpty() && config.diffIds().size() != layers.size()) {
            throw new OciException(ref + ": the manifest has " + layers.size() + " layers but the config lists "
                    + config.diffIds().size() + " diff ids");
        }
        return new Resolved(raw.digest(), config, layers);
    }

    private PulledImage pull(ImageReference ref, ImageSource source, Path rootDir) throws IOException {
        Resolved r = resolve(ref, source);
        List<Descriptor> layers = r.layers();
        LayerApplier applier = new LayerApplier(rootDir, limits);
        List<Digest> applied = new ArrayList<>();
        // layers download in parallel; each is applied as soon as it and those below it are in
        try (LayerDownloads blobs = new LayerDownloads(cache, source, layers, times)) {
            for (int i = 0; i < layers.size(); i++) {
                applier.apply(blobs.open(i), layers.get(i).digest(), r.diffId(i));
                applied.add(layers.get(i).digest());
            }
        }
        return new PulledImage(ref, r.manifestDigest(), r.config(), applied, applier.finish());
    }

    /**
     * Pulls {@code ref} one layer at a time, for a guest that stacks them (overlayfs): each layer
     * whose chain {@code store} lacks is downloaded, unpacked on its own under {@code scratch} (its
     * whiteouts recorded, not applied) and handed to {@code store}; a chain the store has is neither
     * downloaded nor unpacked. The limits hold for each layer unpacked.
     *
     * @param maxLayers how many layers the guest stacks at most
     * @throws OciException as {@link #pull}, and one {@link #needsOneRoot} tells apart when a layer
     *     cannot stand on its own (a hardlink into a lower layer) or there are more than {@code
     *     maxLayers}: pull into one root then
     */
    public PulledLayers pullLayers(ImageReference ref, Path scratch, LayerStore store, int maxLayers) {
        try (ImageSource source = open(ref)) {
            long t0 = System.nanoTime();
            Resolved r = resolve(ref, source);
            times.accept("resolve", System.nanoTime() - t0);
            if (r.layers().size() > maxLayers) {
                throw new OciException(
                        ref + ": " + r.layers().size() + " layers, " + TOO_MANY_TO_STACK + " (" + maxLayers + ")");
            }
            List<Digest> chains = chainIds(r);
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < chains.size(); i++) {
                if (!store.has(chains.get(i))) {
                    missing.add(i);
                }
            }
            List<Descriptor> fetch = missing.stream().map(r.layers()::get).toList();
            try (LayerDownloads blobs = new LayerDownloads(cache, source, fetch, times)) {
                for (int k = 0; k < missing.size(); k++) {
                    int i = missing.get(k);
                    Path dir = scratch.resolve("layer-" + i);
                    try {
                        LayerApplier applier = new LayerApplier(dir, limits, true);
                        long t2 = System.nanoTime();
                        applier.apply(blobs.open(k), r.layers().get(i).digest(), r.diffId(i));
                        RootFs layer = applier.finish();
                        long t3 = System.nanoTime();
                        store.put(i, chains.get(i), layer);
                        times.accept("unpack", t3 - t2);
                        times.accept("layer-disk", System.nanoTime() - t3);
                    } finally {
                        deletes.execute(() -> {
                            long t4 = System.nanoTime();
                            clean(dir, true);
                            times.accept("cleanup", System.nanoTime() - t4);
                        });
                    }
                }
            }
            return new PulledLayers(ref, r.manifestDigest(), r.config(), chains);
        } catch (IOException e) {
            throw new OciException("pulling " + ref + " failed: " + RegistryClient.rootMessage(e), e);
        }
    }

    /** Whether a {@link #pullLayers} failed only because a layer cannot be unpacked on its own. */
    public static boolean needsOneRoot(OciException e) {
        String m = e.getMessage();
        return m != null && (m.contains(LayerApplier.LOWER_HARDLINK) || m.contains(TOO_MANY_TO_STACK));
    }

    /**
     * The OCI chain ids: the first layer's diff id, then sha256 of "parent-chain diff-id" for
     * each layer on top; the blob digest stands for a diff id the config does not give.
     */
    private static List<Digest> chainIds(Resolved r) {
        List<Digest> chains = new ArrayList<>();
        for (int i = 0; i < r.layers().size(); i++) {
            Digest diff = r.diffId(i) != null ? r.diffId(i) : r.layers().get(i).digest();
            chains.add(i == 0 ? diff : Digest.of((chains.get(i - 1) + " " + diff).getBytes(StandardCharsets.US_ASCII)));
        }
        return chains;
    }

    private Descriptor pickPlatform(ImageReference ref, JsonNode index) {
        List<String> seen = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            Descriptor d = Descriptor.from(m, ref + " index");
            if (d.platform() == null) {
                continue;
            }
            if (OS.equals(d.platform().os()) && ARCH.equals(d.platform().architecture())) {
                return d;
            }
            seen.add(d.platform().toString());
        }
        throw new OciException(ref + " has no " + OS + "/" + ARCH + " image; it has: "
                + (seen.isEmpty() ? "no platforms listed" : String.join(", ", seen)));
    }

    private static String mediaType(ImageSource.RawManifest raw, JsonNode doc) {
        String t = doc.path("mediaType").asText("");
        if (t.isEmpty()) {
            t = raw.mediaType();
        }
        if (t.isEmpty() || t.equals("application/json")) {
            // OCI allows an unset mediaType: the shape tells
            t = doc.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        return t;
    }

    private JsonNode parse(byte[] bytes, String what) {
        try {
            JsonNode n = json.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new OciException(what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new OciException(what + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new OciException("root directory " + dir + " is not a directory");
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }

    /** Removes what a failed pull wrote, never following symlinks it made. */
    private static void clean(Path root, boolean removeRoot) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            if (removeRoot) {
                FileTrees.delete(root);
            } else {
                FileTrees.deleteContents(root);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: the pull's own error is the one to report
        }
    }
}
