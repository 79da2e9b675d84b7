package dev.wisp.image;

import dev.wisp.common.FileTrees;
import dev.wisp.oci.BlobCache;
import dev.wisp.oci.ImagePuller;
import dev.wisp.oci.ImageReference;
import dev.wisp.oci.Limits;
import dev.wisp.oci.OciException;
import dev.wisp.oci.PulledImage;
import dev.wisp.oci.RegistryClient;
import dev.wisp.oci.RegistryOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjLongConsumer;

/**
 * Builds a Wisp image from an OCI or Docker image: pulls it (a registry, an OCI layout or archive, a
 * {@code docker save} archive), makes
 * its root a read-only ext4 disk, and an initramfs with our init and agent that mount the disk (a
 * tmpfs overlay for writes) and run the app inside it: chrooted, in its WorkingDir, as its User,
 * with its Env (the deploy's env on top); Wisp's agent stays PID 1 in the initramfs, so readiness,
 * reseeding and re-identification after a restore work as for every image.
 *
 * <p>The disk's UUID and hash seed come from the manifest digest, and the disk from nothing but the
 * image's files, so pulling the same image twice gives the same Wisp image id (on one host: see
 * {@link Ext4Image}). A pull or build that fails leaves nothing in the store.
 *
 * <pre>{@code
 * Image image = OciImageBuilder.of(ImageReference.parse("localhost:5000/hello:1"))
 *         .build(KernelProvisioner.atDefaultHome().ensure(), ImageStore.atDefaultHome());
 * }</pre>
 */
public final class OciImageBuilder {
    private static final System.Logger LOG = System.getLogger(OciImageBuilder.class.getName());
    /** What init mounts in the image's root (one {@code mount -a}, so one process under TCG). */
    static final String OCI_FSTAB = """
            proc /app/proc proc defaults 0 0
            sysfs /app/sys sysfs defaults 0 0
            /dev /app/dev none bind 0 0
            /run /app/run none bind 0 0
            """;

    private final ImageReference ref;
    private RegistryOptions registry = RegistryOptions.defaults();
    private Path cache;
    private Limits limits = Limits.defaults();
    private List<String> entrypoint;
    private List<String> cmd;
    private Integer port;
    private ObjLongConsumer<String> stageTimes = (stage, nanos) -> {};
    private boolean stacked = true;

    private OciImageBuilder(ImageReference ref) {
        this.ref = Objects.requireNonNull(ref, "ref");
    }

    /** @param ref a registry reference, {@code oci:DIR[:tag]}, {@code oci-archive:FILE[:tag]} or {@code docker-archive:FILE} */
    public static OciImageBuilder of(ImageReference ref) {
        return new OciImageBuilder(ref);
    }

    /** @param options credentials, CA file, insecure registries, timeouts (default: anonymous, system CAs) */
    public OciImageBuilder registry(RegistryOptions options) {
        this.registry = Objects.requireNonNull(options, "options");
        return this;
    }

    /** @param dir the blob cache shared by pulls (default: {@code oci/} beside the store's images) */
    public OciImageBuilder cache(Path dir) {
        this.cache = dir;
        return this;
    }

    /** @param limits bytes and entries a pull may write (default {@link Limits#defaults()}) */
    public OciImageBuilder limits(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return this;
    }

    /** @param argv replaces the image's Entrypoint and drops its Cmd (as {@code docker run --entrypoint}); null keeps it */
    public OciImageBuilder entrypoint(List<String> argv) {
        this.entrypoint = argv == null ? null : List.copyOf(argv);
        return this;
    }

    /** @param args replaces the image's Cmd; null keeps it */
    public OciImageBuilder cmd(List<String> args) {
        this.cmd = args == null ? null : List.copyOf(args);
        return this;
    }

    /** @param port the port the app listens on; null takes the image's first exposed TCP port */
    public OciImageBuilder port(Integer port) {
        this.port = port;
        return this;
    }

    /**
     * @param stacked true (the default) makes each layer chain its own read-only disk, shared by
     *     every image on it and stacked by overlayfs in the guest, so an image on a base pulled
     *     before converts only its own layers; false makes one disk of the whole root (the only
     *     way for an image with a hardlink across layers or more than {@value
     *     LayerDisks#MAX_LAYERS} layers: those fall back to it)
     */
    public OciImageBuilder stacked(boolean stacked) {
        this.stacked = stacked;
        return this;
    }

    /**
     * @param sink told how many nanoseconds each step of {@link #build} took: {@code pull} (download,
     *     digests, decompression and unpacking, overlapped), {@code disk} (the ext4 disk and its hash)
     *     and {@code initrd}; for a stacked image also the parts of {@code pull} (see {@link
     *     ImagePuller#ImagePuller(RegistryClient, BlobCache, Limits, ObjLongConsumer)}) and of each
     *     layer disk ({@code scan}: its index and zeroed times, {@code mkfs}, {@code debugfs}, {@code
     *     hash}), told once per layer and from download threads too: the sink must be thread-safe
     *     and sum; for benchmarks
     */
    public OciImageBuilder stageTimes(ObjLongConsumer<String> sink) {
        this.stageTimes = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * Pulls and builds the image into the store; if the store holds its id already, that image is
     * returned untouched.
     *
     * @throws dev.wisp.oci.OciException for a pull that fails (its {@code kind} says how)
     * @throws IllegalArgumentException for an image Wisp cannot run as asked (no command, no port, an
     *     unknown user), saying what to give instead
     * @throws ImageBuildException when a host tool fails
     */
    public Image build(Kernel kernel, ImageStore store) {
        Objects.requireNonNull(kernel, "kernel");
        GuestFiles.requireBusybox();
        Path blobs = cache != null ? cache : store.root().resolveSibling("oci");
        ImagePuller puller = new ImagePuller(new RegistryClient(registry), new BlobCache(blobs), limits, stageTimes);
        if (stacked) {
            Path staging = store.newStaging();
            // layers unpack apart from the image's staging, and their trees are deleted while the rest is made
            Path layers = store.newStaging();
            ExecutorService deletes = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "oci-layer-delete");
                t.setDaemon(true);
                return t;
            });
            try {
                puller.deleteLayersOn(deletes);
                return buildStacked(
                        kernel,
                        store,
                        puller,
                        new LayerDisks(blobs.resolveSibling("oci-layers"), stageTimes),
                        staging,
                        layers);
            } catch (OciException e) {
                if (!ImagePuller.needsOneRoot(e)) {
                    throw e;
                }
                LOG.log(System.Logger.Level.INFO, "{0}: {1}; making one disk of the whole root", ref, e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                awaitDeletes(deletes);
                FileTrees.delete(layers);
                FileTrees.delete(staging);
            }
        }
        Path staging = store.newStaging();
        try {
            Path root = staging.resolve(".root");
            long t0 = System.nanoTime();
            PulledImage pulled = puller.pull(ref, root);
            OciRun run = OciRun.of(ref.toString(), pulled.config(), root, entrypoint, cmd, port);
            OciRoot.prepare(root, run.workdir());

            long t1 = System.nanoTime();
            stageTimes.accept("pull", t1 - t0);
            Path diskFile = staging.resolve(Image.DISK);
            Ext4Image.buildFromScratchTree(
                    root,
                    diskFile,
                    pulled.manifestDigest().hex().substring(0, 32),
                    staging,
                    Ext4Image.Attributes.of(pulled.rootFs()));
            for (String note : pulled.rootFs().notes()) {
                LOG.log(System.Logger.Level.INFO, "{0}: {1}", ref, note);
            }
            FileTrees.delete(root);
            long t2 = System.nanoTime();
            stageTimes.accept("disk", t2 - t1);

            RootTree tree = guestTree(kernel, run, "");
            Image image = new StagedImage(
                            run.display(), run.port(), List.of(), List.of(), source(ref, pulled.manifestDigest()))
                    .commit(store, staging, tree, Compression.NONE, kernel);
            // the initrd and the image's digest, over the disk's bytes too
            stageTimes.accept("initrd", System.nanoTime() - t2);
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(staging); // gone already after a successful commit
        }
    }

    private static void awaitDeletes(ExecutorService deletes) {
        deletes.shutdown();
        try {
            while (!deletes.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.log(System.Logger.Level.INFO, "still deleting unpacked layers");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Image buildStacked(
            Kernel kernel, ImageStore store, ImagePuller puller, LayerDisks disks, Path staging, Path layers)
            throws IOException {
        long t0 = System.nanoTime();
        StackedOci s = StackedOci.stage(ref, puller, disks, staging, layers, entrypoint, cmd, port);
        long t1 = System.nanoTime();
        // download, unpacking and the disks of new layers overlap; the top disk is the rest
        stageTimes.accept("pull", t1 - t0);
        stageTimes.accept("disk", 0);
        Image image = new StagedImage(
                        s.run().display(),
                        s.run().port(),
                        List.of(),
                        List.of(),
                        source(ref, s.pulled().manifestDigest()))
                .commit(
                        store,
                        staging,
                        guestTree(kernel, s.run(), s.initLayers()),
                        Compression.NONE,
                        kernel,
                        s.layerSha256());
        stageTimes.accept("initrd", System.nanoTime() - t1);
        return image;
    }

    /** The initramfs: init, agent, busybox, modules, and how to run the app; {@code layers} for a stacked image. */
    private RootTree guestTree(Kernel kernel, OciRun run, String layers) {
        RootTree tree = new RootTree();
        GuestFiles.addBase(tree);
        GuestFiles.addBusybox(tree);
        List<String> modules = ImageBuilder.addModules(tree, kernel, true);
        String env = GuestFiles.appEnv(run.display(), run.port(), ImageBuilder.moduleDir(kernel), modules, true)
                + "WISP_OCI=" + GuestFiles.quote(quoteWords(run.agentArgs())) + "\n";
        if (!layers.isEmpty()) {
            env += "WISP_LAYERS=" + GuestFiles.quote(layers) + "\n";
            tree.dir("wisp/l/top", 0755);
            for (String l : layers.split(" ")) {
                tree.dir("wisp/l/" + l, 0755);
            }
        }
        tree.file("wisp/app.env", 0644, env);
        tree.file("wisp/oci.fstab", 0644, OCI_FSTAB);
        GuestFiles.addSystem(tree, GuestFiles.init());
        return tree;
    }

    /** The reference pinned to the manifest pulled: {@code oci <ref>@sha256:...}. */
    private static String source(ImageReference ref, dev.wisp.oci.Digest manifest) {
        String r = ref.toString();
        return "oci " + (r.contains("@") ? r : r + "@" + manifest);
    }

    /** Words for {@code eval "set -- $WISP_OCI"} in init: each single-quoted. */
    static String quoteWords(List<String> words) {
        List<String> q = new ArrayList<>();
        for (String w : words) {
            q.add(GuestFiles.quote(w));
        }
        return String.join(" ", q);
    }
}
