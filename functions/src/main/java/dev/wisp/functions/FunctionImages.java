package dev.wisp.functions;

import dev.wisp.common.FileTrees;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds a function's guest image through the image module: the handler plus its runtime (the
 * function server for shell and binary handlers; a jlink'd JRE, the Java runtime and the SDK for
 * Java handlers, on the image's ext4 disk).
 */
public final class FunctionImages {
    /** The port every function runtime listens on in its guest. */
    public static final int PORT = 8080;
    /** Manifest attribute naming a Java function's class (else {@code Main-Class}). */
    public static final String CLASS_ATTRIBUTE = "Wisp-Function-Class";
    /**
     * JVM flags in every guest: one core, small heap, no JIT tiers beyond C1: start-up over peak speed.
     * A guest with under 80 MiB of {@code MemTotal} adds {@link SmallGuestJvm#FLAGS}.
     */
    static final List<String> JVM_FLAGS = List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData",
            "-Xss512k",
            "-XX:MaxRAMPercentage=50",
            "-Xshare:auto");
    /**
     * The jlink'd JRE links against glibc (libc, libm, libdl, libpthread, librt, ld-linux), which
     * a busybox guest lacks: Debian's libc6 goes into the image root, where the JRE's binaries
     * look for it.
     */
    static final List<String> JRE_DEBS = List.of("libc6");
    /** Classes packed into the guest's runtime.jar: the Java runtime and the SDK, nothing else. */
    private static final List<Class<?>> RUNTIME_CLASSES = List.of(
            JavaRuntimeMain.class,
            JavaRuntimeMain.BodyTooLarge.class,
            dev.wisp.function.Function.class,
            dev.wisp.function.Request.class,
            dev.wisp.function.Response.class);

    private FunctionImages() {}

    /**
     * Builds (or finds, same content giving the same id) the image of a function.
     *
     * @param handler      script, static executable or jar
     * @param handlerClass Java only: the {@code Function} class; null reads the jar's manifest
     * @param javaModules  Java only: JDK modules the handler needs beyond java.base
     * @throws IllegalArgumentException for a missing handler, a dynamic binary, a jar without the class
     */
    public static Image build(
            FunctionRuntime runtime,
            Path handler,
            String handlerClass,
            List<String> javaModules,
            Kernel kernel,
            ImageStore store,
            Path cacheRoot) {
        if (!Files.isRegularFile(handler)) {
            throw new IllegalArgumentException("handler not found (or not a file): " + handler);
        }
        Path app = null;
        try {
            app = Files.createTempDirectory("wisp-fn-");
            ImageBuilder builder = ImageBuilder.fromFolder(app).port(PORT);
            Path wisp = Files.createDirectories(app.resolve(".wisp"));
            switch (runtime) {
                case SHELL, BINARY -> {
                    if (runtime == FunctionRuntime.BINARY) {
                        requireStaticElf(handler);
                    }
                    Files.copy(handler, app.resolve("handler"));
                    executable(app.resolve("handler"));
                    Files.write(wisp.resolve("fnhttpd"), FnHttpd.binary());
                    executable(wisp.resolve("fnhttpd"));
                    builder.entrypoint("exec /app/.wisp/fnhttpd " + PORT
                            + (runtime == FunctionRuntime.SHELL ? " sh" : " exec") + " /app/handler");
                }
                case JAVA -> {
                    String cls = handlerClass(handler, handlerClass);
                    Files.copy(handler, app.resolve("handler.jar"));
                    writeRuntimeJar(wisp.resolve("runtime.jar"));
                    HostTools.copyTree(
                            JlinkedJre.ensure(cacheRoot, javaModules == null ? List.of() : javaModules),
                            app.resolve("jre"));
                    // A guest too small for the defaults adds SmallGuestJvm's flags, picked at start.
                    Files.write(wisp.resolve(Path.of(SmallGuestJvm.ARGS_FILE).getFileName()), SmallGuestJvm.FLAGS);
                    builder.entrypoint(SmallGuestJvm.command(
                                    "/app/jre/bin/java",
                                    JVM_FLAGS,
                                    "-cp /app/.wisp/runtime.jar " + JavaRuntimeMain.class.getName() + " " + PORT
                                            + " /app/handler.jar " + cls))
                            .disk(true)
                            .withDebs(JRE_DEBS);
                }
            }
            return builder.build(kernel, store);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(app);
        }
    }

    /** The class to load: the one given, else the jar's manifest; it must be in the jar. */
    static String handlerClass(Path jar, String given) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            String cls = given;
            if (cls == null || cls.isBlank()) {
                Manifest m = jf.getManifest();
                Attributes a = m == null ? null : m.getMainAttributes();
                cls = a == null
                        ? null
                        : a.getValue(CLASS_ATTRIBUTE) != null ? a.getValue(CLASS_ATTRIBUTE) : a.getValue("Main-Class");
            }
            if (cls == null || cls.isBlank()) {
                throw new IllegalArgumentException(
                        "no handler class: pass --class or set " + CLASS_ATTRIBUTE + " in " + jar + "'s manifest");
            }
            if (!cls.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
                throw new IllegalArgumentException("not a Java class name: " + cls);
            }
            if (jf.getEntry(cls.replace('.', '/') + ".class") == null) {
                throw new IllegalArgumentException("class " + cls + " is not in " + jar);
            }
            return cls;
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException("not a jar: " + jar);
        }
    }

    private static void writeRuntimeJar(Path target) throws IOException {
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(target))) {
            for (Class<?> c : RUNTIME_CLASSES) {
                String name = c.getName().replace('.', '/') + ".class";
                try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException(name + " missing from the class path");
                    }
                    JarEntry e = new JarEntry(name);
                    e.setTime(0); // same bytes every build: the image id stays the same
                    jar.putNextEntry(e);
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
    }

    /** A binary handler must be a static ELF executable: the guest has no dynamic loader or libc. */
    static void requireStaticElf(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F' || b[4] != 2) {
            throw new IllegalArgumentException(file + " is not a 64-bit ELF executable");
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = h.getLong(0x20);
        int phentsize = Short.toUnsignedInt(h.getShort(0x36));
        int phnum = Short.toUnsignedInt(h.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            if (at + 4 > b.length) {
                break;
            }
            if (h.getInt((int) at) == 3) { // PT_INTERP: needs a dynamic loader
                throw new IllegalArgumentException(
                        file + " is dynamically linked; build it static (gcc -static, CGO_ENABLED=0)");
            }
        }
    }

    private static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
