package dev.wisp.oci;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Extended attributes of a tar entry, as GNU tar ({@code SCHILY.xattr.NAME}) and libarchive
 * ({@code LIBARCHIVE.xattr.NAME}, base64) store them in PAX headers. Kept: the namespaces ext4
 * stores as they are ({@code user.}, {@code trusted.}, {@code security.}, which holds file
 * capabilities), each value up to {@link #MAX_VALUE} bytes and {@link #MAX_TOTAL} per file, so
 * they fit the inode's one xattr block. Anything else is skipped with a note, never applied
 * half. A GNU tar value that is not UTF-8 is read raw by {@link PaxXattrs}.
 */
final class LayerXattrs {
    static final int MAX_VALUE = 2048;
    static final int MAX_TOTAL = 3072;
    private static final String SCHILY = "SCHILY.xattr.";
    private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";
    private static final List<String> KEPT = List.of("user.", "trusted.", "security.");

    private LayerXattrs() {}

    /**
     * The attributes in an entry's PAX headers, by name; a value is null when the tar reader could
     * not give it back byte for byte (read it with {@link PaxXattrs}).
     */
    static Map<String, byte[]> candidates(TarArchiveEntry e, String where, Consumer<String> note) {
        Map<String, byte[]> out = new TreeMap<>();
        for (Map.Entry<String, String> h : new TreeMap<>(e.getExtraPaxHeaders()).entrySet()) {
            String key = h.getKey();
            if (key.startsWith(SCHILY)) {
                // the tar reader decodes header values as UTF-8: a value that was not UTF-8 comes back altered
                String v = h.getValue();
                out.putIfAbsent(
                        key.substring(SCHILY.length()),
                        v.indexOf('\uFFFD') >= 0 ? null : v.getBytes(StandardCharsets.UTF_8));
            } else if (key.startsWith(LIBARCHIVE)) {
                String name = URLDecoder.decode(key.substring(LIBARCHIVE.length()), StandardCharsets.UTF_8);
                try {
                    out.putIfAbsent(
                            name, Base64.getDecoder().decode(h.getValue().strip()));
                } catch (IllegalArgumentException bad) {
                    note.accept("skipped xattr " + name + " of " + where + ": its value is not base64");
                }
            }
        }
        return out;
    }

    /**
     * The attributes to keep, by name.
     *
     * @param where the entry's path and layer, for notes
     * @param note  receives one line per attribute skipped
     */
    static Map<String, byte[]> keep(Map<String, byte[]> candidates, String where, Consumer<String> note) {
        Map<String, byte[]> out = new TreeMap<>();
        int total = 0;
        for (Map.Entry<String, byte[]> c : candidates.entrySet()) {
            String name = c.getKey();
            byte[] value = c.getValue();
            if (value == null) {
                note.accept("skipped xattr " + name + " of " + where + ": its raw value was not found");
                continue;
            }
            if (KEPT.stream().noneMatch(name::startsWith) || name.length() <= "user.".length()) {
                note.accept("skipped xattr " + name + " of " + where
                        + " (kept: user.*, trusted.*, security.* such as security.capability)");
                continue;
            }
            if (name.indexOf('"') >= 0 || name.indexOf('\n') >= 0 || name.indexOf(' ') >= 0) {
                note.accept("skipped xattr of " + where + ": a quote, space or newline in its name");
                continue;
            }
            if (value.length > MAX_VALUE || total + name.length() + value.length > MAX_TOTAL) {
                note.accept("skipped xattr " + name + " of " + where + ": over the limit of " + MAX_VALUE
                        + " bytes a value, " + MAX_TOTAL + " a file");
                continue;
            }
            total += name.length() + value.length;
            out.put(name, value);
        }
        return out;
    }
}
