package dev.wisp.image;

import dev.wisp.common.FileTrees;
import dev.wisp.common.LongBuild;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds Wisp's own guest kernel from Debian's {@code linux-source} package: {@code make allnoconfig}
 * with {@code wisp-kernel.config} on top, then {@code make vmlinux}. Every driver the guest needs is
 * built in, so the kernel has no modules. Cached in {@code $WISP_HOME/kernels/wisp/<source
 * version>-<hash of fragment and source version>/} with the fragment and the full {@code .config}
 * beside the {@code vmlinux}; built in a temporary folder and renamed, so a crash leaves no half
 * kernel.
 */
public final class KernelBuilder {
    /** The Debian package holding the source (the version Debian's cloud kernel is built from). */
    static final String SOURCE_PACKAGE = "linux-source-6.1";
    /** Where that package puts the source tarball. */
    static final Path SOURCE_TARBALL = Path.of("/usr/src/" + SOURCE_PACKAGE + ".tar.xz");
    /** Host tools the build runs, and the Debian package each comes from. */
    static final Map<String, String> TOOLS = Map.of(
            "make", "make",
            "gcc", "gcc",
            "flex", "flex",
            "bison", "bison",
            "bc", "bc",
            "xz", "xz-utils",
            "perl", "perl",
            "patch", "patch");

    private final Path builds;
    private final WispKernelConfig config;
    private final Path tarball;

    /** @param home Wisp's home directory; builds live in its {@code kernels/wisp/} folder */
    public KernelBuilder(Path home) {
        this(home, WispKernelConfig.bundled(), SOURCE_TARBALL);
    }

    KernelBuilder(Path home, WispKernelConfig config, Path tarball) {
        this.builds = home.resolve("kernels").resolve("wisp");
        this.config = config;
        this.tarball = tarball;
    }

    /** Whether a folder holds a build of Wisp's kernel (of any fragment): it keeps the fragment beside vmlinux. */
    public static boolean isWispKernel(Path vmlinux) {
        Path dir = vmlinux.toAbsolutePath().getParent();
        return dir != null && Files.isRegularFile(dir.resolve(WispKernelConfig.FILE_NAME));
    }

    /** @return the newest build of the current fragment, if there is one (no tools run) */
    public Optional<Kernel> cached() {
        if (!Files.isDirectory(builds)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(builds)) {
            return dirs.filter(d -> config.builtInto(d.getFileName().toString()))
                    .filter(d -> Files.isRegularFile(d.resolve("vmlinux")))
                    .max(Comparator.comparing(d -> d.getFileName().toString(), Versions::compare))
                    .map(KernelBuilder::kernelIn);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the cached build for the installed source, or builds it (tens of minutes on two cores).
     *
     * @param progress receives one line per step and, while compiling, a line every 30 s
     * @throws ImageBuildException naming the missing package, the config option that did not take,
     *     or the compiler's error
     */
    public Kernel ensure(Consumer<String> progress) {
        String version = sourceVersion();
        Path target = builds.resolve(config.folderName(version));
        if (Files.isRegularFile(target.resolve("vmlinux"))) {
            return kernelIn(target);
        }
        List<String> missing = LongBuild.missingPackages(TOOLS);
        if (!missing.isEmpty()) {
            throw new ImageBuildException("building Wisp's kernel needs the packages " + String.join(" ", missing)
                    + " (run scripts/install-deps --kernel)");
        }
        Path work = builds.resolve(".build-" + UUID.randomUUID());
        try {
            Files.createDirectories(work);
            setMode(builds, "rwxr-xr-x");
            Path tree = unpack(work, version, progress);
            applyPatch(tree, work, progress);
            configure(tree, work, progress);
            compile(tree, progress);
            Path staging = work.resolve("out");
            Files.createDirectories(staging);
            Files.copy(tree.resolve("vmlinux"), staging.resolve("vmlinux"));
            Files.copy(tree.resolve(".config"), staging.resolve("config"));
            Files.writeString(staging.resolve(WispKernelConfig.FILE_NAME), config.text());
            Files.writeString(staging.resolve(WispKernelConfig.PATCH_NAME), config.patch());
            // The jailed VMMs run as other uids: they must read the kernel through their bind mount.
            for (String f : List.of("vmlinux", "config", WispKernelConfig.FILE_NAME, WispKernelConfig.PATCH_NAME)) {
                setMode(staging.resolve(f), "rw-r--r--");
            }
            setMode(staging, "rwxr-xr-x");
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process built the same kernel first: theirs is as good as ours.
            } catch (AtomicMoveNotSupportedException e) {
                throw new ImageBuildException("cannot rename the kernel into " + target + ": " + e.getMessage(), e);
            }
            Kernel built = kernelIn(target);
            progress.accept("built " + built.vmlinux() + " (" + (Files.size(built.vmlinux()) >> 20) + " MiB)");
            return built;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(work);
        }
    }

    /** The installed source package's version, e.g. {@code 6.1.192-3}. */
    String sourceVersion() {
        if (!Files.isRegularFile(tarball)) {
            throw new ImageBuildException("no kernel source at " + tarball + ": install the package " + SOURCE_PACKAGE
                    + " (run scripts/install-deps --kernel)");
        }
        String v = Commands.run("dpkg-query", List.of("dpkg-query", "-W", "-f=${Version}", SOURCE_PACKAGE))
                .strip();
        if (!v.matches("[A-Za-z0-9.+~:-]{1,60}")) {
            throw new ImageBuildException("dpkg-query gave no usable version for " + SOURCE_PACKAGE + ": '" + v + "'");
        }
        return v.replace(':', '_');
    }

    private Path unpack(Path work, String version, Consumer<String> progress) {
        progress.accept("unpacking " + SOURCE_PACKAGE + " " + version + " from " + tarball);
        Commands.run("tar", work, Map.of(), List.of("tar", "-xJf", tarball.toString()));
        try (Stream<Path> dirs = Files.list(work)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("Makefile")))
                    .findFirst()
                    .orElseThrow(() -> new ImageBuildException(tarball + " holds no kernel source tree"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wisp's patch to the source (docs/kernel.md), refused whole if any part of it does not apply. */
    private void applyPatch(Path tree, Path work, Consumer<String> progress) throws IOException {
        if (config.patch().isEmpty()) {
            return;
        }
        progress.accept("patching the source with " + WispKernelConfig.PATCH_NAME);
        Path patch = Files.writeString(work.resolve(WispKernelConfig.PATCH_NAME), config.patch());
        Commands.run("patch", tree, Map.of(), List.of("patch", "-p1", "--batch", "--forward", "-i", patch.toString()));
    }

    /** allnoconfig with the fragment forced, then a check that every option in it took. */
    private void configure(Path tree, Path work, Consumer<String> progress) throws IOException {
        List<String> options = config.options();
        progress.accept("configuring: allnoconfig + " + options.size() + " options from " + WispKernelConfig.FILE_NAME);
        Path fragment = work.resolve(WispKernelConfig.FILE_NAME);
        Files.writeString(fragment, config.text());
        Commands.run(
                "make allnoconfig",
                tree,
                Map.of(),
                List.of("make", "-s", "ARCH=x86_64", "allnoconfig", "KCONFIG_ALLCONFIG=" + fragment));
        Commands.run("make olddefconfig", tree, Map.of(), List.of("make", "-s", "ARCH=x86_64", "olddefconfig"));
        List<String> result = Files.readAllLines(tree.resolve(".config"));
        for (String option : options) {
            if (!result.contains(option)) {
                throw new ImageBuildException(
                        "kernel config: " + option + " did not take (an option it depends on is off?)");
            }
        }
    }

    private static void compile(Path tree, Consumer<String> progress) throws IOException {
        int jobs = Runtime.getRuntime().availableProcessors();
        progress.accept("compiling vmlinux with make -j" + jobs + " (tens of minutes on 2 cores)");
        try {
            LongBuild.run(
                    "make vmlinux",
                    tree,
                    Map.of(),
                    List.of("make", "-j" + jobs, "ARCH=x86_64", "vmlinux"),
                    line -> line.startsWith("  CC "),
                    progress);
        } catch (LongBuild.Failure e) {
            throw new ImageBuildException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageBuildException("kernel build interrupted", e);
        }
    }

    private static Kernel kernelIn(Path dir) {
        return new Kernel("wisp-" + dir.getFileName(), dir.resolve("vmlinux"), null);
    }

    private static void setMode(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }
}
