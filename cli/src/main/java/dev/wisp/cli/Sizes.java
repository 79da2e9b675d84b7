package dev.wisp.cli;

import java.util.Locale;

/** Byte counts for people. */
final class Sizes {
    private Sizes() {}

    /** An unknown size (null) reads "?", as a negative one does. */
    static String human(Long bytes) {
        return human(bytes == null ? -1 : bytes.longValue());
    }

    static String human(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
