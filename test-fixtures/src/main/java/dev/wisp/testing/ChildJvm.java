package dev.wisp.testing;

import dev.wisp.common.JavaCommand;

/** A second JVM on the test's own class path: for tests that {@code kill -9} a platform process. */
public final class ChildJvm {
    private ChildJvm() {}

    /** {@link JavaCommand#of}, not started yet. */
    public static ProcessBuilder of(Class<?> main, String... args) {
        return new ProcessBuilder(JavaCommand.of(main, args));
    }
}
