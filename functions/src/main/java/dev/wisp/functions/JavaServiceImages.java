package dev.wisp.functions;

import dev.wisp.common.FileTrees;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipException;

/**
 * Builds the image of a Java <em>service</em> (an app with its own {@code main} that listens on a
 * port, not a {@link FunctionRuntime#JAVA function}): a runnable jar, or a folder of jars and
 * classes with its main class, run by the same jlink'd JRE the Java functions use (with the JDK
 * modules {@code jdeps} finds the app needs), on the image's ext4 disk with Debian's libc6. The
 * guest is ready when the app listens; that is when the service's warm template is snapshotted, so
 * every further instance is a clone of a JVM that has already started the app.
 */
public final class JavaServiceImages {
    /**
     * The smallest guest a Java service gets, in MiB, whichever kernel the nodes boot (docs/java-services.md):
     * examples/java-service served in 64 MiB on Wisp's kernel, but on Debian's its VMM died booting in 64 and
     * it did not answer in 96.
     */
    public static final int MIN_MEMORY_MIB = 128;
    /** The guest size a Java service gets when none is given: the Java functions' size, with headroom for the app's heap. */
    public static final int DEFAULT_MEMORY_MIB = 256;

    private static final String CLASS_NAME = "[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*";
    /** JVM flags beyond the functions': a heap that ran out ends the app (the platform restarts it). */
    private static final List<String> EXTRA_FLAGS = List.of("-XX:+ExitOnOutOfMemoryError");

    private JavaServiceImages() {}

    /**
     * Builds (or finds: the same content gives the same id) the image of a Java service.
     *
     * @param app       a runnable jar, or a folder of jars and classes (it becomes {@code /app})
     * @param mainClass the class with {@code main}; null takes a jar's {@code Main-Class}
     * @param port      the port the app listens on
     * @param debs      extra Debian packages for the image
     * @param cacheRoot where the jlink'd JRE is cached (e.g. {@code $WISP_HOME/cache})
     * @throws IllegalArgumentException for a missing app, a jar without a main class, a class not in the app
     */
    public static Image build(
            Path app, String mainClass, int port, List<String> debs, Kernel kernel, ImageStore store, Path cacheRoot) {
        String main = mainClass(app, mainClass);
        Path staging = null;
        try {
            boolean folder = Files.isDirectory(app);
            staging = Files.createTempDirectory("wisp-java-service-");
            String classPath;
            if (folder) {
                if (Files.exists(app.resolve(".wisp"))) {
                    throw new IllegalArgumentException(app + " has a .wisp folder, which Wisp's runtime takes");
                }
                HostTools.copyTree(app, staging);
                classPath = folderClassPath(staging);
            } else {
                Files.copy(app, staging.resolve("app.jar"));
                classPath = "/app/app.jar";
            }
            Path wisp = Files.createDirectories(staging.resolve(".wisp"));
            HostTools.copyTree(JlinkedJre.ensure(cacheRoot, modules(staging)), wisp.resolve("jre"));
            List<String> args = new ArrayList<>(FunctionImages.JVM_FLAGS);
            args.addAll(EXTRA_FLAGS);
            args.addAll(List.of("-cp", classPath, main));
            // An argument file: no quoting through the shell, and no length limit on the class path.
            Files.write(wisp.resolve("java.args"), args);
            List<String> packages = new ArrayList<>(FunctionImages.JRE_DEBS);
            packages.addAll(debs == null ? List.of() : debs);
            return ImageBuilder.fromFolder(staging)
                    .entrypoint("exec /app/.wisp/jre/bin/java @/app/.wisp/java.args")
                    .port(port)
                    .disk(true)
                    .withDebs(packages)
                    .build(kernel, store);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(staging);
        }
    }

    /**
     * Checks what a build would start from, before anything is built or fetched.
     *
     * @return the main class: the one given, or the jar's Main-Class
     * @throws IllegalArgumentException for a missing app, a jar without a main class, a class not in the app
     */
    public static String mainClass(Path app, String given) {
        if (!Files.exists(app)) {
            throw new IllegalArgumentException("no jar or folder " + app);
        }
        try {
            return Files.isDirectory(app) ? folderMain(app, given) : jarMain(app, given);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar's main class: the one given, else its manifest's Main-Class; it must be in the jar. */
    static String jarMain(Path jar, String given) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            String main = given;
            if (main == null || main.isBlank()) {
                Attributes a =
                        jf.getManifest() == null ? null : jf.getManifest().getMainAttributes();
                main = a == null ? null : a.getValue(Attributes.Name.MAIN_CLASS);
            }
            if (main == null || main.isBlank()) {
                throw new IllegalArgumentException(jar + " has no Main-Class in its manifest: name the main class"
                        + " (--main CLASS, or main in wisp.toml's [build])");
            }
            checkName(main);
            if (jf.getEntry(classFile(main)) == null) {
                throw new IllegalArgumentException("main class " + main + " is not in " + jar);
            }
            return main;
        } catch (ZipException e) {
            throw new IllegalArgumentException("not a jar: " + jar + " (a Java service is a jar or a folder)");
        }
    }

    /** A folder's main class must be given, and be there: as a class file, or in one of its jars. */
    static String folderMain(Path folder, String given) throws IOException {
        if (given == null || given.isBlank()) {
            throw new IllegalArgumentException(
                    "a folder needs its main class: --main CLASS (or main in wisp.toml's [build])");
        }
        checkName(given);
        if (Files.isRegularFile(folder.resolve(classFile(given)))) {
            return given;
        }
        for (Path jar : jars(folder)) {
            try (JarFile jf = new JarFile(jar.toFile())) {
                if (jf.getEntry(classFile(given)) != null) {
                    return given;
                }
            } catch (ZipException e) {
                throw new IllegalArgumentException("not a jar: " + jar);
            }
        }
        throw new IllegalArgumentException("main class " + given + " is in neither " + folder + " nor its jars");
    }

    /** {@code /app} (class files) and every jar under it, sorted: the same folder gives the same path. */
    private static String folderClassPath(Path root) throws IOException {
        StringBuilder cp = new StringBuilder("/app");
        for (Path jar : jars(root)) {
            cp.append(":/app/").append(root.relativize(jar).toString());
        }
        return cp.toString();
    }

    private static List<Path> jars(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * The JDK modules the app uses beyond java.base, by the JDK's own {@code jdeps}; if it cannot
     * tell (a class it cannot read), the whole Java SE platform, which every plain app runs on.
     */
    static List<String> modules(Path staging) throws IOException {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElse(null);
        if (jdeps == null) {
            return List.of("java.se");
        }
        List<String> args = new ArrayList<>(List.of(
                "--ignore-missing-deps",
                "--print-module-deps",
                "--multi-release",
                "" + Runtime.version().feature()));
        List<Path> jars = jars(staging);
        try (Stream<Path> walk = Files.walk(staging)) {
            if (walk.anyMatch(p -> p.toString().endsWith(".class"))) {
                args.add(staging.toString());
            }
        }
        jars.forEach(j -> args.add(j.toString()));
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), args.toArray(String[]::new));
        String deps = out.toString().strip();
        if (rc != 0 || deps.isEmpty() || deps.contains("\n")) {
            return List.of("java.se");
        }
        return Arrays.stream(deps.split(",")).map(String::strip).toList();
    }

    private static void checkName(String cls) {
        if (!cls.matches(CLASS_NAME)) {
            throw new IllegalArgumentException("not a Java class name: " + cls);
        }
    }

    private static String classFile(String cls) {
        return cls.replace('.', '/') + ".class";
    }
}
