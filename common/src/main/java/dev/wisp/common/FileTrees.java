package dev.wisp.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing and measuring folder trees; symlinks are never followed. */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes a file or folder tree, deepest first; a missing (or null) path is fine. Read-only
     * folders are made writable first so that their entries can go.
     *
     * @throws UncheckedIOException at the first entry that cannot be deleted
     */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                makeWritableIfFolder(p);
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Best effort {@link #delete}: goes on past entries it cannot delete (a later sweep gets them).
     *
     * @return whether the whole tree is gone
     */
    public static boolean deleteQuietly(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        boolean all = true;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    makeWritableIfFolder(p);
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    all = false;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
        return all;
    }

    /** Sum of the regular file sizes under {@code root} (apparent sizes, not allocated blocks). */
    public static long size(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
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
            Process du = new ProcessBuilder("du", "-s", "-B1", root.toString()).redirectErrorStream(true).start();
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

    private static void makeWritableIfFolder(Path p) {
        if (!Files.isSymbolicLink(p) && Files.isDirectory(p)) {
            p.toFile().setWritable(true, true);
        }
    }
}
