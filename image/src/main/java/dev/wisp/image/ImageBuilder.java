package dev.wisp.image;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Builds an image from an app folder: an initramfs holding busybox, Wisp's guest init, the kernel's
 * virtio modules, optional Debian packages and the app under {@code /app}; or, for big apps, the
 * app on an ext4 disk mounted at {@code /app}. With Debian packages whose files and the app together
 * exceed {@link #DISK_THRESHOLD}, the disk holds the whole configured Debian root with the app in its
 * {@code /app}, and the app runs chrooted into it ({@link DebImage}).
 *
 * <pre>{@code
 * Image image = ImageBuilder.fromFolder(dir).entrypoint("httpd -f -p 8080 -h /app/www")
 *         .build(KernelProvisioner.atDefaultHome().ensure(), ImageStore.atDefaultHome());
 * }</pre>
 */
public final class ImageBuilder {
    /** Apps larger than this go on a disk image unless {@link #disk(boolean)} says otherwise. */
    public static final long DISK_THRESHOLD = 64L << 20;
    /**
     * Debian packages whose files exceed this, in an image that goes on a disk, take the disk with
     * the app inside their root (the app then runs chrooted into it); smaller sets stay in the
     * initramfs beside busybox.
     */
    public static final long PACKAGES_IN_INITRAMFS = 32L << 20;
    /** Port the app is expected on unless {@link #port(int)} says otherwise. */
    public static final int DEFAULT_PORT = 8080;
    /**
     * No compression, by measurement under TCG (QEMU start to "@@wisp ready", 256 MiB guest): a
     * 2.4 MB busybox httpd image boots in 1.77 s plain vs 1.78 s gzipped (1.1 MB), 10 boots each; with
     * 60 MB of app files, 2.1 s plain vs 2.9 s gzipped. The guest inflating gzip costs more than QEMU
     * reading the larger file.
     */
    public static final Compression DEFAULT_COMPRESSION = Compression.NONE;

    private static final List<String> NET_MODULES =
            List.of("virtio_ring", "virtio", "virtio_mmio", "failover", "net_failover", "virtio_net");
    private static final String VOLUME_MODULE = "virtio_blk";
    private static final List<String> DISK_MODULES = List.of(VOLUME_MODULE, "overlay");

    /** What the user named (the file, for a single-file app), recorded in the image. */
    private final Path folder;

    private String entrypoint;
    private int port = DEFAULT_PORT;
    private List<String> debs = List.of();
    private Boolean disk;
    private Compression compression = DEFAULT_COMPRESSION;

    private ImageBuilder(Path folder) {
        this.folder = Objects.requireNonNull(folder, "folder");
    }

    /**
     * @param folder the app's files; they appear under {@code /app} in the guest. A single file (a
     *     static binary, say) is accepted too: it becomes {@code /app/NAME}, executable, and is the
     *     entrypoint unless {@link #entrypoint(String)} names another.
     */
    public static ImageBuilder fromFolder(Path folder) {
        return new ImageBuilder(folder);
    }

    /** @param command shell command run in {@code /app}; must keep running and listen on the port */
    public ImageBuilder entrypoint(String command) {
        this.entrypoint = command;
        return this;
    }

    /** @param port TCP port the app listens on (default {@value #DEFAULT_PORT}) */
    public ImageBuilder port(int port) {
        this.port = port;
        return this;
    }

    /**
     * @param packages Debian packages to install into the image, each a name or {@code name=version};
     *     installed with their dependencies as Debian would (maintainer scripts run at build time,
     *     in the image's root), from Wisp's own sources (see {@link DebianApt})
     */
    public ImageBuilder withDebs(List<String> packages) {
        this.debs = List.copyOf(packages);
        return this;
    }

    /**
     * @param onDisk true puts the app on a read-only ext4 disk (with a tmpfs overlay for writes),
     *     false keeps it in the initramfs; unset, apps over {@link #DISK_THRESHOLD} go on a disk
     */
    public ImageBuilder disk(boolean onDisk) {
        this.disk = onDisk;
        return this;
    }

    /** @param compression how to compress the initramfs (default {@link #DEFAULT_COMPRESSION}) */
    public ImageBuilder compression(Compression compression) {
        this.compression = Objects.requireNonNull(compression, "compression");
        return this;
    }

    /**
     * Builds the image into the store. Same inputs give the same id; if the store holds that id
     * already, it is returned untouched. Nothing is left in the store when the build fails.
     *
     * @throws IllegalArgumentException for bad input (missing folder, empty entrypoint, port out of
     *     range, unknown package)
     * @throws ImageBuildException when a host tool fails
     */
    public Image build(Kernel kernel, ImageStore store) {
        Objects.requireNonNull(kernel, "kernel");
        if (Files.isRegularFile(folder)) {
            return SingleFileApp.build(folder, entrypoint, app -> build(app.folder(), app.entrypoint(), kernel, store));
        }
        return build(folder, entrypoint, kernel, store);
    }

    /** Builds the app in {@code appFolder} (the user's, or the one made around a single file). */
    private Image build(Path appFolder, String entrypoint, Kernel kernel, ImageStore store) {
        validate(appFolder, entrypoint);
        DebImage deb = debs.isEmpty() ? null : DebImage.prepare(store.root().resolveSibling("debian"), debs);
        // packages and app together: a large package set goes on the disk even with a tiny app
        long bytes = FileTrees.size(appFolder) + (deb == null ? 0 : deb.initramfsBytes());
        boolean onDisk = disk != null ? disk : bytes > DISK_THRESHOLD;
        boolean rootOnDisk = deb != null && onDisk && deb.initramfsBytes() > PACKAGES_IN_INITRAMFS;
        List<String> packages = deb == null ? List.of() : rootOnDisk ? deb.installedNames() : deb.kept();
        Path staging = store.newStaging();
        try {
            RootTree tree = new RootTree();
            GuestFiles.addBase(tree);
            if (deb != null && !rootOnDisk) {
                tree.addHostTree(deb.root(), deb::placeInInitramfs, true);
            }
            GuestFiles.addBusybox(tree);
            List<String> modules = addModules(tree, kernel, onDisk);
            if (!onDisk) {
                tree.addHostTree(appFolder, rel -> "app/" + rel, true);
            }
            String env = GuestFiles.appEnv(entrypoint, port, moduleDir(kernel), modules, onDisk);
            if (rootOnDisk) {
                // the Debian root with the app in it is the disk; the app runs chrooted into it
                env += "WISP_OCI=" + GuestFiles.quote(OciImageBuilder.quoteWords(DebImage.agentArgs(entrypoint)))
                        + "\n";
                tree.file("wisp/oci.fstab", 0644, OciImageBuilder.OCI_FSTAB);
            }
            tree.file("wisp/app.env", 0644, env);
            GuestFiles.addSystem(tree, GuestFiles.init());
            if (deb != null && !rootOnDisk) {
                deb.addAccounts(tree);
            }
            if (rootOnDisk) {
                Path root = Files.createDirectory(staging.resolve(".root"));
                deb.layOutDisk(appFolder, root);
                String seed = sha256Hex(DebianRoot.key(deb.resolved()) + appSeed(appFolder));
                Ext4Image.buildFromScratchTree(
                        root, staging.resolve(Image.DISK), seed.substring(0, 32), staging, Ext4Image.Attributes.NONE);
                FileTrees.delete(root);
            } else if (onDisk) {
                Ext4Image.build(appFolder, staging.resolve(Image.DISK), appSeed(appFolder), staging);
            }
            return new StagedImage(
                            entrypoint,
                            port,
                            debs,
                            packages,
                            folder.toAbsolutePath().normalize().toString())
                    .commit(store, staging, tree, compression, kernel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(staging); // gone already after a successful commit
        }
    }

    private static String sha256Hex(String text) {
        return HexFormat.of()
                .formatHex(ImageDigest.sha256().digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * 32 hex digits from the app's files (a canonical archive: names, modes, contents, no times):
     * the disk's UUID and hash seed, so the same files give the same disk.
     */
    private static String appSeed(Path appFolder) throws IOException {
        MessageDigest sha = ImageDigest.sha256();
        RootTree app = new RootTree();
        app.addHostTree(appFolder, rel -> rel, true);
        try (OutputStream digestOnly = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
            CpioWriter cpio = new CpioWriter(digestOnly);
            app.writeTo(cpio);
            cpio.finish();
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
    }

    private void validate(Path appFolder, String entrypoint) {
        if (!Files.isDirectory(appFolder)) {
            throw new IllegalArgumentException("no app folder or file at " + appFolder);
        }
        if (entrypoint == null || entrypoint.isBlank()) {
            throw new IllegalArgumentException("entrypoint is empty");
        }
        if (entrypoint.indexOf('\n') >= 0 || entrypoint.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("entrypoint must be a single line");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range (1-65535): " + port);
        }
        for (String d : debs) {
            DebianApt.validate(d);
        }
        GuestFiles.requireBusybox();
    }

    static String moduleDir(Kernel kernel) {
        return "/lib/modules/" + kernel.version();
    }

    /**
     * Adds the kernel modules the guest loads (network; disk and overlay too) and names them in
     * load order. An image without a disk still carries virtio_blk, unlisted: the init loads it
     * only when the VM has a volume attached.
     */
    static List<String> addModules(RootTree tree, Kernel kernel, boolean onDisk) {
        List<String> modules = new ArrayList<>();
        for (String name : onDisk ? concat(NET_MODULES, DISK_MODULES) : concat(NET_MODULES, List.of(VOLUME_MODULE))) {
            Path ko = kernel.module(name);
            if (ko != null) { // absent: built into a user's kernel, init reports if not
                String file = ko.getFileName().toString();
                tree.put(UsrMerge.map(moduleDir(kernel).substring(1) + "/" + file), new RootTree.HostFile(ko, 0644));
                if (onDisk || !name.equals(VOLUME_MODULE)) {
                    modules.add(file.substring(0, file.length() - 3));
                }
            }
        }
        return modules;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
