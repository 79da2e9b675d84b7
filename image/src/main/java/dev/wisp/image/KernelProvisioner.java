package dev.wisp.image;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Provides the guest kernel: Debian's cloud kernel, unpacked once into
 * {@code $WISP_HOME/kernels/<version>/} ({@code vmlinux} and {@code modules/*.ko}).
 */
public final class KernelProvisioner {
    /** The metapackage whose dependency names the current versioned kernel package. */
    static final String META_PACKAGE = "linux-image-cloud-amd64";
    /** Modules images need, in load order (virtio_blk only for disk images). */
    static final List<String> REQUIRED_MODULES =
            List.of("virtio_ring", "virtio", "virtio_mmio", "failover", "net_failover", "virtio_net", "virtio_blk");
    /** Copied when the package has them: overlay gives disk images a writable /app. */
    static final List<String> OPTIONAL_MODULES = List.of("overlay", "virtio-rng");

    private final Path kernels;

    /** @param home Wisp's home directory; kernels live in its {@code kernels/} folder */
    public KernelProvisioner(Path home) {
        this.kernels = home.resolve("kernels");
    }

    /**
     * Returns the cached kernel if there is one (newest version first), without asking apt;
     * otherwise downloads the current Debian cloud kernel and caches it.
     *
     * @throws ImageBuildException if apt or unpacking fails
     */
    public Kernel ensure() {
        Optional<Kernel> cached = cached();
        if (cached.isPresent()) {
            return cached.get();
        }
        String pkg = currentPackage();
        Path work = tempDir();
        try {
            Commands.run("apt-get download", work, Map.of(), List.of("apt-get", "download", "-q", pkg));
            Path deb;
            try (Stream<Path> files = Files.list(work)) {
                deb = files.filter(f -> f.getFileName().toString().endsWith(".deb"))
                        .findFirst()
                        .orElseThrow(() -> new ImageBuildException("apt-get download failed: no .deb for " + pkg));
            }
            return install(pkg.substring("linux-image-".length()), deb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(work);
        }
    }

    /** @return the newest kernel already in the cache */
    public Optional<Kernel> cached() {
        if (!Files.isDirectory(kernels)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(kernels)) {
            return dirs.filter(d -> !d.getFileName().toString().startsWith("."))
                    .filter(d -> Files.isRegularFile(d.resolve("vmlinux")))
                    .max(Comparator.comparing(d -> d.getFileName().toString(), Versions::compare))
                    .map(d -> new Kernel(d.getFileName().toString(), d.resolve("vmlinux"), d.resolve("modules")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks apt which versioned package the metapackage depends on. */
    static String currentPackage() {
        String out = Commands.run("apt-cache depends", List.of("apt-cache", "depends", META_PACKAGE));
        return out.lines()
                .map(String::strip)
                .filter(l -> l.startsWith("Depends: linux-image-"))
                .map(l -> l.substring("Depends: ".length()).strip())
                .findFirst()
                .orElseThrow(() -> new ImageBuildException(
                        "apt-cache depends failed: no linux-image dependency in " + META_PACKAGE));
    }

    /**
     * Unpacks a kernel .deb into the cache: the ELF vmlinux from its bzImage and the modules
     * Wisp needs. Built in a temp folder and renamed, so a crash leaves no half kernel.
     */
    Kernel install(String version, Path deb) {
        Path target = kernels.resolve(version);
        Path staging = kernels.resolve(".tmp-" + UUID.randomUUID());
        Path work = tempDir();
        try {
            Commands.run("dpkg-deb -x", List.of("dpkg-deb", "-x", deb.toString(), work.toString()));
            Files.createDirectories(staging.resolve("modules"));
            Path vmlinuz = work.resolve("boot/vmlinuz-" + version);
            if (!Files.isRegularFile(vmlinuz)) {
                throw new ImageBuildException("no boot/vmlinuz-" + version + " in " + deb.getFileName());
            }
            extractVmlinux(vmlinuz, staging.resolve("vmlinux"));
            Kernel unpacked = new Kernel(version, vmlinuz, work.resolve("lib/modules/" + version));
            for (String name : REQUIRED_MODULES) {
                Path ko = unpacked.module(name);
                if (ko == null) {
                    throw new ImageBuildException("module " + name + " not found in " + deb.getFileName());
                }
                Files.copy(ko, staging.resolve("modules/" + ko.getFileName()));
            }
            for (String name : OPTIONAL_MODULES) {
                Path ko = unpacked.module(name);
                if (ko != null) {
                    Files.copy(ko, staging.resolve("modules/" + ko.getFileName()));
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process cached the same kernel first: theirs is as good as ours.
            } catch (AtomicMoveNotSupportedException e) {
                throw new ImageBuildException("cannot rename kernel into " + target + ": " + e.getMessage(), e);
            }
            return new Kernel(version, target.resolve("vmlinux"), target.resolve("modules"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(work);
            FileTrees.delete(staging);
        }
    }

    /** Finds the LZ4 payload of a bzImage and writes it out as an ELF vmlinux. */
    static void extractVmlinux(Path bzImage, Path vmlinux) throws IOException {
        byte[] data = Files.readAllBytes(bzImage);
        int at = Lz4Legacy.find(data);
        if (at < 0) {
            throw new ImageBuildException("no LZ4 payload in " + bzImage);
        }
        try (OutputStream out = Files.newOutputStream(vmlinux)) {
            Lz4Legacy.decompress(data, at, out);
        } catch (IOException e) {
            throw new ImageBuildException("cannot decompress LZ4 payload of " + bzImage + ": " + e.getMessage(), e);
        }
        String problem = Elf.problem(vmlinux);
        if (problem != null) {
            throw new ImageBuildException("LZ4 payload of " + bzImage + " is no kernel: " + problem);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("wisp-kernel-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
