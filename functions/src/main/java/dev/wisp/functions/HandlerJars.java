package dev.wisp.functions;

import dev.wisp.common.FileTrees;
import dev.wisp.function.Function;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Turns a single {@code .java} handler source into a handler jar with the JDK's compiler, so a
 * Java function deploys from one file without a build tool. The class is the file's public class
 * (its name is the file name) in whatever package the source declares.
 */
public final class HandlerJars {
    private HandlerJars() {}

    /**
     * Compiles {@code source} against the SDK into {@code jar} (Java 21 bytecode), with the class
     * named in the manifest ({@value FunctionImages#CLASS_ATTRIBUTE}).
     *
     * @return the handler class name
     * @throws IllegalArgumentException if it does not compile (the compiler's messages included)
     */
    public static String compile(Path source, Path jar) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new FunctionException(
                    FunctionException.Code.UNAVAILABLE, "no Java compiler: run Wisp on a JDK to deploy .java handlers");
        }
        String simple = source.getFileName().toString().replaceFirst("\\.java$", "");
        Path classes = null;
        try {
            String text = Files.readString(source);
            java.util.regex.Matcher pkg = java.util.regex.Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;")
                    .matcher(text);
            String cls = pkg.find() ? pkg.group(1) + "." + simple : simple;
            classes = Files.createTempDirectory("wisp-handler-");
            java.io.ByteArrayOutputStream messages = new java.io.ByteArrayOutputStream();
            int rc = javac.run(
                    null,
                    messages,
                    messages,
                    "--release",
                    "21",
                    "-proc:none",
                    "-cp",
                    sdkClassPath(),
                    "-d",
                    classes.toString(),
                    source.toString());
            if (rc != 0) {
                throw new IllegalArgumentException("handler " + source + " does not compile:\n"
                        + messages.toString().strip());
            }
            Manifest mf = new Manifest();
            mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            mf.getMainAttributes().putValue(FunctionImages.CLASS_ATTRIBUTE, cls);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
                    Stream<Path> files = Files.walk(classes)) {
                for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                    JarEntry e = new JarEntry(classes.relativize(p).toString().replace('\\', '/'));
                    e.setTime(0);
                    out.putNextEntry(e);
                    try (InputStream in = Files.newInputStream(p)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            return cls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(classes);
        }
    }

    /** Where the SDK's classes are: a jar in a packaged Wisp, a classes folder in a build. */
    static String sdkClassPath() {
        try {
            return Path.of(Function.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
