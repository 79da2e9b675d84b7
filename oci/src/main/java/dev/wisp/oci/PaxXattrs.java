package dev.wisp.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The raw bytes of GNU tar's {@code SCHILY.xattr.*} PAX values, read straight from a layer's tar
 * for the entries that need them: the tar reader decodes PAX values as UTF-8, which alters a binary
 * value such as a file capability holding {@code cap_setuid}. Only headers are parsed; contents are
 * skipped.
 */
final class PaxXattrs {
    private static final String SCHILY = "SCHILY.xattr.";
    private static final int BLOCK = 512;
    /** A tar archive ends with zero blocks. */
    private static final byte[] END_BLOCK = new byte[BLOCK];

    private static final int MAX_HEADER_DATA = 1 << 20;

    private PaxXattrs() {}

    /** For each entry named in {@code wanted} (as {@link #normal} gives it): its xattrs' raw values. */
    static Map<String, Map<String, byte[]>> scan(InputStream tar, Set<String> wanted) throws IOException {
        Map<String, Map<String, byte[]>> out = new HashMap<>();
        Map<String, byte[]> pax = new HashMap<>();
        String longName = null;
        byte[] h = new byte[BLOCK];
        while (tar.readNBytes(h, 0, BLOCK) == BLOCK && !Arrays.equals(h, END_BLOCK)) {
            long size = size(h);
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            byte type = h[156];
            if (type == 'x' || type == 'L') {
                if (size > MAX_HEADER_DATA) {
                    throw new IOException("a tar header of " + size + " bytes");
                }
                byte[] data = tar.readNBytes((int) size);
                skip(tar, padded - size);
                if (type == 'x') {
                    records(data, pax);
                } else {
                    longName = cString(data, 0, data.length);
                }
                continue;
            }
            skip(tar, padded);
            if (type == 'g' || type == 'K') {
                continue;
            }
            String name = pax.containsKey("path")
                    ? new String(pax.get("path"), StandardCharsets.UTF_8)
                    : longName != null ? longName : ustarName(h);
            String key = normal(name);
            if (wanted.contains(key)) {
                Map<String, byte[]> x = new HashMap<>();
                pax.forEach((k, v) -> {
                    if (k.startsWith(SCHILY)) {
                        x.put(k.substring(SCHILY.length()), v);
                    }
                });
                out.put(key, x);
            }
            pax = new HashMap<>();
            longName = null;
        }
        return out;
    }

    /** A tar name without a leading "./" or "/" and without a trailing "/". */
    static String normal(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.startsWith("./") ? 2 : 1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }

    /** PAX records: "LENGTH KEY=VALUE\n", the value raw bytes. */
    private static void records(byte[] d, Map<String, byte[]> into) throws IOException {
        int i = 0;
        while (i < d.length) {
            int sp = i;
            long len = 0;
            while (sp < d.length && d[sp] >= '0' && d[sp] <= '9') {
                len = len * 10 + (d[sp++] - '0');
            }
            if (sp >= d.length || d[sp] != ' ' || len <= sp - i || i + len > d.length) {
                throw new IOException("a malformed PAX record");
            }
            int end = (int) (i + len) - 1; // the newline
            int eq = sp + 1;
            while (eq < end && d[eq] != '=') {
                eq++;
            }
            if (eq >= end) {
                throw new IOException("a PAX record without '='");
            }
            String key = new String(d, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            byte[] value = new byte[end - eq - 1];
            System.arraycopy(d, eq + 1, value, 0, value.length);
            into.put(key, value);
            i = (int) (i + len);
        }
    }

    private static String ustarName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** The size field: octal, or base-256 when its first byte has the high bit (GNU, for big files). */
    private static long size(byte[] h) throws IOException {
        if ((h[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = 124; i < 136; i++) {
            byte c = h[i];
            if (c == 0 || c == ' ') {
                if (v > 0) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                throw new IOException("a bad size in a tar header");
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("the tar ends inside an entry");
                }
                s = 1;
            }
            left -= s;
        }
    }
}
