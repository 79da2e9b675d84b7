package dev.wisp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;

/**
 * examples/java-service as its build.sh makes it, with the JDK's own javac and jar (in process):
 * {@code build/hello.jar}, a runnable jar, next to a copy of the example's wisp.toml.
 */
public final class JavaServiceExample {
    /** The example's main class. */
    public static final String MAIN = "example.Hello";

    private JavaServiceExample() {}

    /** The example's folder in this checkout, from a module's folder (where tests run). */
    public static Path source() {
        return Path.of("../examples/java-service").toAbsolutePath().normalize();
    }

    /**
     * Copies the example's wisp.toml into {@code dir} and builds {@code dir/build/hello.jar} (and
     * its classes in {@code dir/build/classes}).
     *
     * @return the jar
     */
    public static Path buildInto(Path dir) {
        try {
            Path classes = Files.createDirectories(dir.resolve("build/classes"));
            Files.copy(source().resolve("wisp.toml"), dir.resolve("wisp.toml"));
            run(
                    "javac",
                    "--release",
                    "21",
                    "-d",
                    classes.toString(),
                    source().resolve("src/example/Hello.java").toString());
            Path jar = dir.resolve("build/hello.jar");
            run("jar", "--create", "--file", jar.toString(), "--main-class", MAIN, "-C", classes.toString(), ".");
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A jar of the classes {@link #buildInto} compiled, without Main-Class: {@code dir/plain.jar}. */
    public static Path plainJar(Path dir) {
        Path plain = dir.resolve("plain.jar");
        run(
                "jar",
                "--create",
                "--file",
                plain.toString(),
                "-C",
                dir.resolve("build/classes").toString(),
                ".");
        return plain;
    }

    /** Runs a JDK tool in process; its output is the failure's message. */
    public static void run(String tool, String... args) {
        ToolProvider t = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new IllegalStateException("no " + tool + ": run the tests on a JDK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        if (t.run(print, print, args) != 0) {
            throw new IllegalStateException(tool + " failed: " + out.toString(StandardCharsets.UTF_8));
        }
    }
}
