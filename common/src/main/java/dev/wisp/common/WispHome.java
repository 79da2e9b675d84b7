package dev.wisp.common;

import java.nio.file.Path;

/** Locates Wisp's home directory, where kernels and images are kept. */
public final class WispHome {
    private WispHome() {}

    /** System property that overrides {@code $WISP_HOME} for one JVM (an embedding program, a test). */
    public static final String PROPERTY = "wisp.home";

    /**
     * @return the {@value #PROPERTY} system property if set, else {@code $WISP_HOME} if set and
     *     non-blank, else {@code ~/.wisp}
     */
    public static Path resolve() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath();
        }
        String env = System.getenv("WISP_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".wisp");
    }
}
