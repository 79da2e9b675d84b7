package dev.wisp.image;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The last steps both builders ({@link ImageBuilder}, {@link OciImageBuilder}) share: the guest's
 * tree written as the staging directory's initramfs, the id derived from every byte the guest gets
 * (initramfs and, when the staging holds one, the disk), and the image committed to the store.
 *
 * @param entrypoint what the guest runs, as recorded in the image
 * @param port       the port the app listens on
 * @param debs       Debian packages asked for
 * @param packages   the packages unpacked (with their dependencies)
 * @param source     where the image came from (a folder, or an OCI reference), recorded in it
 */
record StagedImage(String entrypoint, int port, List<String> debs, List<String> packages, String source) {

    /** Writes {@code tree} into {@code staging}, derives the id and commits the staging as the image. */
    Image commit(ImageStore store, Path staging, RootTree tree, Compression compression, Kernel kernel)
            throws IOException {
        return commit(store, staging, tree, compression, kernel, List.of());
    }

    /** @param layerSha256 SHA-256 of each {@code layer-N.ext4} the staging holds (hashed when the layer disk was made) */
    Image commit(
            ImageStore store,
            Path staging,
            RootTree tree,
            Compression compression,
            Kernel kernel,
            List<String> layerSha256)
            throws IOException {
        Path initrd = staging.resolve(Image.INITRD);
        MessageDigest sha = ImageDigest.sha256();
        writeInitrd(tree, initrd, sha, compression);
        String initrdSha = HexFormat.of().formatHex(sha.digest());
        Path disk = staging.resolve(Image.DISK);
        boolean onDisk = Files.isRegularFile(disk);
        // The id covers every byte the guest gets: a server receiving this image derives the same.
        String digest =
                ImageDigest.of(entrypoint, port, initrdSha, onDisk ? ImageDigest.sha256(disk) : null, layerSha256);
        Image image = new Image(
                ImageDigest.id(digest),
                staging,
                digest,
                entrypoint,
                port,
                kernel.version(),
                compression,
                Files.size(initrd),
                onDisk ? Files.size(disk) : 0,
                debs,
                packages,
                source,
                Instant.now());
        return store.commit(staging, image);
    }

    private static void writeInitrd(RootTree tree, Path file, MessageDigest sha, Compression compression)
            throws IOException {
        try (OutputStream raw =
                        new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha);
                OutputStream out = compression == Compression.GZIP ? new FastGzip(raw) : raw) {
            CpioWriter cpio = new CpioWriter(out);
            tree.writeTo(cpio);
            cpio.finish();
        }
    }

    /** gzip at level 6: near-best ratio; Java writes no timestamp, so output stays deterministic. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.DEFAULT_COMPRESSION);
        }
    }
}
