package dev.wisp.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A second JVM on the test's own class path: for tests that {@code kill -9} a platform process. */
public final class ChildJvm {
    private ChildJvm() {}

    /** {@code java -Xmx256m -XX:+UseSerialGC -cp <the test's class path> main args...}, not started yet. */
    public static ProcessBuilder of(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
