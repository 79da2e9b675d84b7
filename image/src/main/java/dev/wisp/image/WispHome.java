package dev.wisp.image;

import java.nio.file.Path;

/** Locates Wisp's home directory, where kernels and images are kept. */
public final class WispHome {
    private WispHome() {}

    /** @return {@code $WISP_HOME} if set and non-blank, else {@code ~/.wisp} */
    public static Path resolve() {
        String env = System.getenv("WISP_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".wisp");
    }
}
