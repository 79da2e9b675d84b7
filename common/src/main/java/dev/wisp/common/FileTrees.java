package dev.wisp.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** Removing and measuring folder trees; symlinks are never followed. */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes a file or folder tree; a missing (or null) path is fine. Each folder is made
     * owner-writable before its entries go (a layer or a guest may have made it read-only).
     *
     * @throws UncheckedIOException at the first entry that cannot be deleted
     */
    public static void delete(Path root) {
        try {
            remove(root, false, true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes all that folder {@code dir} holds but keeps the folder itself; a missing (or null) path is fine.
     *
     * @throws IOException at the first entry that cannot be deleted
     */
    public static void deleteContents(Path dir) throws IOException {
        remove(dir, true, true);
    }

    /**
     * Best effort {@link #delete}: goes on past entries it cannot delete (a later sweep gets them).
     *
     * @return whether the whole tree is gone
     */
    public static boolean deleteQuietly(Path root) {
        try {
            return remove(root, false, false);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Walks without following symlinks (a link may point anywhere on the host), deepest first. */
    private static boolean remove(Path root, boolean keepRoot, boolean stopAtFirst) throws IOException {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        boolean[] all = {true};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                d.toFile().setWritable(true, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                tryDelete(f, null);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                tryDelete(f, e);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                tryDelete(keepRoot && d.equals(root) ? null : d, e);
                return FileVisitResult.CONTINUE;
            }

            /** Deletes {@code p} (if not null) after a walk that failed with {@code failure} (if not null). */
            private void tryDelete(Path p, IOException failure) throws IOException {
                try {
                    if (failure != null) {
                        throw failure;
                    }
                    if (p != null) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    if (stopAtFirst) {
                        throw e;
                    }
                    all[0] = false;
                }
            }
        });
        return all[0];
    }

    /** Sum of the regular file sizes under {@code root} (apparent sizes, not allocated blocks). */
    public static long size(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Allocated bytes under {@code root} as {@code du -s -B1} counts them: a sparse memory file
     * counts only the pages that were written.
     *
     * @return the bytes, or -1 when {@code du} cannot tell
     */
    public static long diskUsage(Path root) {
        try {
            Process du = new ProcessBuilder("du", "-s", "-B1", root.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            du.waitFor();
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
