package dev.wisp.image;

import java.util.List;

/**
 * The image's root is merged-/usr ({@code /bin -> usr/bin} and so on), as on current Debian, so
 * packages that still ship files in {@code /bin} or {@code /lib} land beside the rest.
 */
final class UsrMerge {
    static final List<String> MERGED = List.of("bin", "sbin", "lib", "lib64");

    private UsrMerge() {}

    static String map(String rel) {
        for (String d : MERGED) {
            if (rel.equals(d) || rel.startsWith(d + "/")) {
                return "usr/" + rel;
            }
        }
        return rel;
    }
}
