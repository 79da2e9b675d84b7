package dev.wisp.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a guest boots from: an uncompressed ELF kernel (entered through PVH), an initramfs and
 * an optional read-only disk, plus kernel parameters of the image's own.
 *
 * @param kernel  ELF {@code vmlinux}
 * @param initrd  initramfs holding Wisp's guest init
 * @param disk    optional raw disk image attached read-only as virtio-blk
 * @param cmdline extra kernel parameters
 */
public record BootSource(Path kernel, Path initrd, Optional<Path> disk, List<String> cmdline) {
    public BootSource {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        disk = disk == null ? Optional.empty() : disk;
        cmdline = List.copyOf(cmdline == null ? List.of() : cmdline);
    }

    /** Fails with a one-line message naming the first boot file that is missing. */
    void checkFilesExist() {
        requireFile(kernel, "kernel");
        requireFile(initrd, "initrd");
        disk.ifPresent(d -> requireFile(d, "disk"));
    }

    private static void requireFile(Path path, String what) {
        if (!Files.isRegularFile(path)) {
            throw new VmException(what + " not found: " + path);
        }
    }
}
