package dev.wisp.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * How an image's identity follows from what it is: the SHA-256 of every byte the guest gets (the
 * initramfs and the disk, if any) and of the manifest fields that change what runs (entrypoint,
 * port). The builder and a server receiving an upload compute it the same way, so an id can only
 * name the bytes it was computed from, whoever claims otherwise.
 */
public final class ImageDigest {
    /** Manifest {@code format} of images whose id is this digest; earlier images carry none. */
    public static final int FORMAT = 2;

    private ImageDigest() {}

    /**
     * @param entrypoint   the image's entrypoint, a single line
     * @param port         the port the app listens on
     * @param initrdSha256 SHA-256 (64 hex digits) of {@code initrd.img}
     * @param diskSha256   SHA-256 of {@code disk.ext4}, or null when the image has no disk
     * @return 64 hex digits; the image id is the first 16
     */
    public static String of(String entrypoint, int port, String initrdSha256, String diskSha256) {
        return of(entrypoint, port, initrdSha256, diskSha256, List.of());
    }

    /**
     * As {@link #of(String, int, String, String)}, for an image whose disk stacks on layer disks.
     *
     * @param layerSha256 SHA-256 of each {@code layer-N.ext4}, N from 0; empty for an image without them
     */
    public static String of(
            String entrypoint, int port, String initrdSha256, String diskSha256, List<String> layerSha256) {
        if (entrypoint == null || entrypoint.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("entrypoint must be a single line");
        }
        // One field per line, fixed order: no two different images share this text.
        String text = "wisp-image/" + FORMAT + "\nentrypoint " + entrypoint + "\nport " + port + "\ninitrd "
                + hex64(initrdSha256) + "\ndisk " + (diskSha256 == null ? "-" : hex64(diskSha256)) + "\n";
        // images without layer disks keep the text, and so the ids, they always had
        for (String layer : layerSha256) {
            text += "layer " + hex64(layer) + "\n";
        }
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** @return the image id of a digest: its first 16 hex digits */
    public static String id(String digest) {
        return digest.substring(0, 16);
    }

    /** @return SHA-256 of a file's bytes, 64 hex digits */
    public static String sha256(Path file) {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex64(String sha) {
        if (sha == null || !sha.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 in hex: " + sha);
        }
        return sha;
    }
}
