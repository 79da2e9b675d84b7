package dev.wisp.oci;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * The root directory the {@link LayerApplier} builds, and the modes, owners and xattrs of what is in it:
 * owners are set on disk when running as root and always kept for {@link RootFs}; directory modes
 * are held back until {@link #applyDirectoryModes()} so a read-only directory can still be filled;
 * removing a path forgets what was recorded for it and below it.
 */
final class RootTree {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path root;
    private final boolean asRoot;
    private final NavigableMap<String, RootFs.Owner> owners = new TreeMap<>();
    private final NavigableMap<String, Integer> dirModes = new TreeMap<>();
    private final NavigableMap<String, Map<String, byte[]>> xattrs = new TreeMap<>();

    RootTree(Path root, boolean asRoot) {
        this.root = root;
        this.asRoot = asRoot;
    }

    Path root() {
        return root;
    }

    NavigableMap<String, RootFs.Owner> owners() {
        return owners;
    }

    NavigableMap<String, Map<String, byte[]>> xattrs() {
        return xattrs;
    }

    /**
     * Records a path's extended attributes for the disk (never set on the host: a file capability
     * there would be a privileged binary on the host); an entry without any drops earlier ones.
     */
    void xattrs(String rel, Map<String, byte[]> attrs) {
        if (attrs.isEmpty()) {
            xattrs.remove(rel);
        } else {
            xattrs.put(rel, Map.copyOf(attrs));
        }
    }

    /** Mode and owner; directories get their mode at the end, owner-writable until then. */
    void attributes(Path p, String rel, TarArchiveEntry e, boolean setMode) throws IOException {
        int mode = e.getMode() & 07777;
        if (setMode) {
            if (e.isDirectory()) {
                dirModes.put(rel, mode);
                Files.setAttribute(p, "unix:mode", mode | 0700, NOFOLLOW);
            } else {
                Files.setAttribute(p, "unix:mode", mode, NOFOLLOW);
            }
        }
        int uid = (int) e.getLongUserId();
        int gid = (int) e.getLongGroupId();
        if (uid != 0 || gid != 0) {
            owners.put(rel, new RootFs.Owner(uid, gid));
        } else {
            owners.remove(rel);
        }
        if (asRoot) {
            Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
            Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
            if (setMode && !e.isDirectory()) {
                // chown clears set-user-ID bits: set the mode again
                Files.setAttribute(p, "unix:mode", mode, NOFOLLOW);
            }
        }
    }

    /** Deletes a path (a directory with all it holds), never following symlinks. */
    void delete(Path p, String rel) throws IOException {
        BasicFileAttributes a = LayerPaths.attrs(p);
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            try {
                FileTrees.delete(p);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } else {
            Files.delete(p);
        }
        owners.remove(rel);
        owners.subMap(rel + "/", rel + "/\uffff").clear();
        xattrs.remove(rel);
        xattrs.subMap(rel + "/", rel + "/\uffff").clear();
        dirModes.remove(rel);
        dirModes.subMap(rel + "/", rel + "/\uffff").clear();
    }

    /** Sets the directory modes held back while extracting, deepest first. */
    void applyDirectoryModes() throws IOException {
        for (Map.Entry<String, Integer> d : dirModes.descendingMap().entrySet()) {
            Path p = root.resolve(d.getKey());
            if (Files.isDirectory(p, NOFOLLOW)) {
                Files.setAttribute(p, "unix:mode", d.getValue(), NOFOLLOW);
            }
        }
    }
}
