package dev.wisp.common;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a small second JVM on this process's own class path: a local cluster's
 * nodes, a platform process a test can {@code kill -9}.
 */
public final class JavaCommand {
    private JavaCommand() {}

    /** {@code java -Xmx256m -XX:+UseSerialGC -cp <this class path> main args...}. */
    public static List<String> of(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
