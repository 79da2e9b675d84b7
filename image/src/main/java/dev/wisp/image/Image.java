package dev.wisp.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A built guest image, immutable and addressed by its content. Boot it with the kernel of
 * {@link #kernelVersion()}: {@code -kernel vmlinux -initrd initrd()} and, if {@link #disk()} is
 * present, {@code -drive file=<disk>,if=none,id=d0,format=raw,readonly=on -device
 * virtio-blk-device,drive=d0}.
 *
 * @param id first 16 hex digits of {@link #digest()}; also the image's folder name
 * @param dir the image's folder in the store
 * @param digest {@link ImageDigest}: sha256 over the entrypoint, port and the sha256 of every file the guest gets
 * @param entrypoint shell command started in {@code /app}
 * @param port TCP port the app listens on; the guest reports ready when it does
 * @param kernelVersion release of the kernel whose modules the image carries
 * @param compression how {@code initrd.img} is compressed
 * @param initrdBytes size of {@code initrd.img}
 * @param diskBytes size of {@code disk.ext4}, 0 if the image has no disk
 * @param debs Debian packages asked for
 * @param packages every Debian package unpacked into the image (asked for plus dependencies)
 * @param source the folder the app was built from
 * @param createdAt when the image entered the store
 */
public record Image(
        String id,
        Path dir,
        String digest,
        String entrypoint,
        int port,
        String kernelVersion,
        Compression compression,
        long initrdBytes,
        long diskBytes,
        List<String> debs,
        List<String> packages,
        String source,
        Instant createdAt) {
    /** File name of the initramfs in an image folder. */
    public static final String INITRD = "initrd.img";
    /** File name of the app disk in an image folder. */
    public static final String DISK = "disk.ext4";
    /** File name of the metadata in an image folder. */
    public static final String MANIFEST = "image.json";

    public Image {
        debs = List.copyOf(debs);
        packages = List.copyOf(packages);
    }

    /** @return the initramfs to pass to {@code -initrd} */
    public Path initrd() {
        return dir.resolve(INITRD);
    }

    /**
     * @return the read-only layer disks a stacked image's {@link #disk()} sits on ({@code
     *     layer-N.ext4}, N from 0, the bottom), attached as more virtio-blk disks; empty for others
     */
    public List<Path> layerDisks() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(dir.resolve(layerFile(i))); i++) {
            out.add(dir.resolve(layerFile(i)));
        }
        return out;
    }

    /** @return bytes of the {@link #layerDisks()} (shared with other images on the same layers) */
    public long layerBytes() {
        long sum = 0;
        for (Path p : layerDisks()) {
            try {
                sum += Files.size(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return sum;
    }

    /** File name of layer disk {@code index} in an image folder. */
    public static String layerFile(int index) {
        return "layer-" + index + ".ext4";
    }

    /** @return the app disk to attach as virtio-blk, if the image has one */
    public Optional<Path> disk() {
        return diskBytes > 0 ? Optional.of(dir.resolve(DISK)) : Optional.empty();
    }
}
