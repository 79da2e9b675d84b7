package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything the runtime creates is for the platform's user alone: guest RAM (memory files,
 * snapshots) holds the app's secrets, and run directories hold control sockets.
 */
final class PrivateFiles {
    static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates {@code dir} (and missing parents) and makes {@code dir} itself owner-only. */
    static Path directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, DIR);
        return dir;
    }

    /** An empty owner-only file, created before anyone (QEMU) can create it with the umask's mode. */
    static void emptyFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        }
        Files.setPosixFilePermissions(file, FILE);
    }

    static void writeString(Path file, String text) throws IOException {
        emptyFile(file);
        Files.writeString(file, text);
    }

    /** Makes a tree owner-only: directories 0700, files 0600 (sockets and FIFOs are left alone). */
    static void restrictTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, DIR);
                } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, FILE);
                }
            }
        }
    }
}
