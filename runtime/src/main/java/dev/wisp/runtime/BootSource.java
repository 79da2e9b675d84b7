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
    /**
     * Kernel parameters every Wisp guest gets. The last three are not optional under TCG:
     * without them boots hang at "tsc: Unable to calibrate against PIT" about 4 times in 6.
     * {@code pci=off}: microvm has no PCI, and probing for it only costs time.
     */
    public static final List<String> BASE_KERNEL_PARAMETERS = List.of(
            "console=ttyS0", "quiet", "panic=-1", "reboot=t", "pci=off",
            "tsc_early_khz=2000000", "lpj=8000000", "no_timer_check");

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
