package dev.wisp.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The config fragment of Wisp's guest kernel ({@code wisp-kernel.config}, applied over {@code make
 * allnoconfig}) and the key its builds are cached under.
 */
final class WispKernelConfig {
    /** The fragment's name as a resource and beside each built {@code vmlinux}. */
    static final String FILE_NAME = "wisp-kernel.config";

    private static final String RESOURCE = "kernel/" + FILE_NAME;
    /** Hex digits of the hash in a cache folder's name: enough to tell fragments apart. */
    static final int HASH_CHARS = 12;

    private final String text;

    WispKernelConfig(String text) {
        this.text = text;
    }

    /** The fragment shipped with this version of Wisp. */
    static WispKernelConfig bundled() {
        try (InputStream in = WispKernelConfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the image module");
            }
            return new WispKernelConfig(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String text() {
        return text;
    }

    /** The {@code CONFIG_X=value} lines, each of which must appear as is in the final .config. */
    List<String> options() {
        return text.lines()
                .map(String::strip)
                .filter(l -> l.startsWith("CONFIG_"))
                .toList();
    }

    /** The cache folder's name for a build of this fragment over a given source version. */
    String folderName(String sourceVersion) {
        return sourceVersion + "-" + hash(sourceVersion);
    }

    /** Whether a cache folder's name is a build of this fragment (over the version it names). */
    boolean builtInto(String folderName) {
        int dash = folderName.lastIndexOf('-');
        return dash > 0 && folderName.equals(folderName(folderName.substring(0, dash)));
    }

    private String hash(String sourceVersion) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            sha.update(("\nsource " + sourceVersion + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }
}
