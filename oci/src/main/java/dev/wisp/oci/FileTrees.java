package dev.wisp.oci;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes directory trees written from image layers: never following symlinks (a layer's link may
 * point anywhere on the host), and making each directory owner-writable first (a layer may have
 * made it read-only). Used by the {@link RootTree} for whiteouts and replaced paths, and by the
 * {@link ImagePuller} to clean up after a failed pull.
 */
final class FileTrees {

    private FileTrees() {
    }

    /** Deletes {@code dir} and all it holds; with {@code keepDir}, only what it holds. */
    static void delete(Path dir, boolean keepDir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                d.toFile().setWritable(true, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (!keepDir || !d.equals(dir)) {
                    Files.delete(d);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
