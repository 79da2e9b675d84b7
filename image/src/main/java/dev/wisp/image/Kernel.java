package dev.wisp.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A guest kernel: an uncompressed ELF {@code vmlinux} (QEMU's microvm enters it through PVH) and a
 * folder holding its loadable modules.
 *
 * @param version kernel release, e.g. {@code 6.1.0-56-cloud-amd64}; names the module folder in images
 * @param vmlinux the ELF kernel to pass to {@code -kernel}
 * @param modulesDir where {@code <name>.ko} files are found (searched recursively), or null when
 *     every driver the guest needs is built in
 */
public record Kernel(String version, Path vmlinux, Path modulesDir) {
    public Kernel {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(vmlinux, "vmlinux");
    }

    /**
     * Uses a kernel the user supplies instead of a provisioned one.
     *
     * @param vmlinux an uncompressed ELF kernel
     * @param modulesDir folder with the virtio modules (e.g. {@code /lib/modules/<release>}), or
     *     null if they are built in
     * @throws IllegalArgumentException if the kernel is not an ELF file or the folder is missing
     */
    public static Kernel fromUser(Path vmlinux, Path modulesDir) {
        String problem = Elf.problem(vmlinux);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "kernel " + vmlinux + ": " + problem + " (pass an uncompressed vmlinux, not a bzImage)");
        }
        if (modulesDir != null && !Files.isDirectory(modulesDir)) {
            throw new IllegalArgumentException("kernel modules folder does not exist: " + modulesDir);
        }
        String version = modulesDir == null
                ? "custom"
                : modulesDir.toAbsolutePath().normalize().getFileName().toString();
        return new Kernel(version, vmlinux.toAbsolutePath(), modulesDir == null ? null : modulesDir.toAbsolutePath());
    }

    /**
     * The kernel a vmlinux path stands for: a provisioned kernel's folder
     * ({@code kernels/<version>/vmlinux} beside {@code modules/}), else the vmlinux alone.
     */
    public static Kernel ofVmlinux(Path vmlinux) {
        Path dir = vmlinux.toAbsolutePath().getParent();
        if (dir != null && Files.isDirectory(dir.resolve("modules"))) {
            return new Kernel(dir.getFileName().toString(), vmlinux.toAbsolutePath(), dir.resolve("modules"));
        }
        return new Kernel("custom", vmlinux.toAbsolutePath(), null);
    }

    /**
     * Finds a module file by module name; {@code -} and {@code _} are interchangeable as in modprobe.
     *
     * @return the {@code .ko} file, or null if this kernel has none by that name
     */
    Path module(String name) {
        if (modulesDir == null) {
            return null;
        }
        String a = name.replace('-', '_') + ".ko";
        try (Stream<Path> files = Files.walk(modulesDir)) {
            return files.filter(
                            f -> f.getFileName().toString().replace('-', '_').equals(a) && Files.isRegularFile(f))
                    .sorted()
                    .findFirst()
                    .orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
