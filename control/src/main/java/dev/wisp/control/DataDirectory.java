package dev.wisp.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The data directory is the platform user's alone: the directory and every directory the
 * platform makes in it are 0700, files 0600 (an executable keeps its owner's x bit). At start the
 * whole tree is tightened, so a directory an older version left readable is fixed too; files other
 * modules create later with the JVM's defaults are out of other users' reach through the 0700
 * directories (and the launcher runs {@code wisp up} under umask 077).
 */
final class DataDirectory {
    static final FileAttribute<Set<PosixFilePermission>> DIR_ATTR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final System.Logger LOG = System.getLogger(DataDirectory.class.getName());
    private static final Set<PosixFilePermission> GROUP_OTHERS =
            EnumSet.copyOf(PosixFilePermissions.fromString("---rwxrwx"));

    private DataDirectory() {}

    /**
     * Creates {@code data} and its {@code subdirectories} (0700) if missing, then takes every
     * group and other permission off everything under {@code data}. Symbolic links are not followed.
     */
    static void secure(Path data, List<String> subdirectories) {
        try {
            createDirectories(data);
            for (String sub : subdirectories) {
                createDirectories(data.resolve(sub));
            }
            Files.walkFileTree(data.toRealPath(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    tighten(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() || attrs.isOther()) {
                        tighten(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot check the mode of " + file + ": " + e);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot secure the data directory " + data, e);
        }
    }

    /** {@link Files#createDirectories} where each directory it creates is 0700. */
    static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (!Files.isDirectory(abs)) {
            if (abs.getParent() != null) {
                createDirectories(abs.getParent());
            }
            if (!Files.isDirectory(abs)) {
                Files.createDirectory(abs, DIR_ATTR);
            }
        }
        return dir;
    }

    private static void tighten(Path p) {
        try {
            PosixFileAttributeView view =
                    Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            if (perms.removeAll(GROUP_OTHERS)) {
                view.setPermissions(perms);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot make " + p + " private: " + e);
        }
    }
}
