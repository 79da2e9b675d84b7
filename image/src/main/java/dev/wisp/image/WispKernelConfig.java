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
 * allnoconfig}), the patch applied to the source before it ({@code wisp-kernel.patch}), and the key
 * its builds are cached under.
 */
final class WispKernelConfig {
    /** The fragment's name as a resource and beside each built {@code vmlinux}. */
    static final String FILE_NAME = "wisp-kernel.config";

    /** The source patch's name as a resource and beside each built {@code vmlinux}. */
    static final String PATCH_NAME = "wisp-kernel.patch";

    /** Hex digits of the hash in a cache folder's name: enough to tell fragments apart. */
    static final int HASH_CHARS = 12;

    private final String text;
    private final String patch;

    /** A fragment applied to the unpatched source. */
    WispKernelConfig(String text) {
        this(text, "");
    }

    /** @param patch a unified diff applied with {@code patch -p1} in the source tree, or empty */
    WispKernelConfig(String text, String patch) {
        this.text = text;
        this.patch = patch;
    }

    /** The fragment and patch shipped with this version of Wisp. */
    static WispKernelConfig bundled() {
        return new WispKernelConfig(resource("kernel/" + FILE_NAME), resource("kernel/" + PATCH_NAME));
    }

    private static String resource(String name) {
        try (InputStream in = WispKernelConfig.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the image module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String text() {
        return text;
    }

    /** The source patch, empty for none. */
    String patch() {
        return patch;
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
            if (!patch.isEmpty()) {
                sha.update(("patch\n" + patch).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }
}
