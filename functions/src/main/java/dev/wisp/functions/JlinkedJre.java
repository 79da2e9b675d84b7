package dev.wisp.functions;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * A small JRE for Java function guests, made with the JDK's own jlink and kept under
 * {@code $WISP_HOME/cache/jre/<key>} (keyed by JDK and modules), so it is linked once, not per
 * function. It carries a CDS archive ({@code --generate-cds-archive}): the guest JVM maps the
 * JDK's classes instead of parsing them, which the cold start needs under TCG.
 */
final class JlinkedJre {
    /** Always present: the runtime's HTTP server needs jdk.httpserver. */
    static final List<String> BASE_MODULES = List.of("java.base", "jdk.httpserver");

    private JlinkedJre() {}

    /** The JRE folder for these extra modules, linking it if not cached. */
    static Path ensure(Path cacheRoot, List<String> extraModules) {
        TreeSet<String> modules = new TreeSet<>(BASE_MODULES);
        for (String m : extraModules) {
            if (!m.matches("[a-zA-Z][a-zA-Z0-9_.]*")) {
                throw new IllegalArgumentException("not a Java module name: " + m);
            }
            modules.add(m);
        }
        Path jdk = jdkHome();
        String key = sha(jdk + "|" + Runtime.version() + "|" + String.join(",", modules))
                .substring(0, 16);
        Path dir = cacheRoot.resolve("jre").resolve(key);
        if (Files.isRegularFile(dir.resolve("bin/java"))) {
            return dir;
        }
        Path tmp = cacheRoot
                .resolve("jre")
                .resolve(".tmp-" + key + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(tmp.getParent());
            FileTrees.delete(tmp);
            List<String> cmd = new ArrayList<>(List.of(
                    jdk.resolve("bin/jlink").toString(),
                    "--add-modules",
                    String.join(",", modules),
                    "--strip-debug",
                    "--no-header-files",
                    "--no-man-pages",
                    "--compress",
                    "zip-6",
                    "--generate-cds-archive",
                    "--output",
                    tmp.toString()));
            HostTools.run(
                    "jlink", cmd, "no jlink in " + jdk + ": run Wisp on a JDK (>= 21), not a JRE, or set JAVA_HOME");
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            FileTrees.delete(tmp); // a concurrent build won
        } catch (IOException e) {
            FileTrees.delete(tmp);
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** $JAVA_HOME if it has jlink, else the JDK running Wisp. */
    static Path jdkHome() {
        String env = System.getenv("JAVA_HOME");
        if (env != null && Files.isExecutable(Path.of(env, "bin", "jlink"))) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("java.home"));
    }

    private static String sha(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
