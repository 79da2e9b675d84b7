package dev.wisp.image;

import dev.wisp.oci.RootFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What one layer disk holds, kept beside it ({@link LayerDisks}) so an image stacked on it can be
 * prepared without reading the disk: every entry's type, mode and owner, the layer's whiteouts and
 * opaque folders, and the disk's SHA-256 (hashed once, when the disk is made).
 *
 * @param sha256    SHA-256 of the disk file
 * @param files     entries unpacked from the layer
 * @param bytes     file bytes unpacked from the layer
 * @param whiteouts paths the layer deletes from lower layers
 * @param opaque    folders the layer makes opaque
 * @param entries   path (relative, "" for the root) to "TYPE MODE UID GID", TYPE one of d, f, l
 */
record LayerIndex(
        String sha256,
        long files,
        long bytes,
        List<String> whiteouts,
        List<String> opaque,
        Map<String, String> entries) {

    LayerIndex {
        whiteouts = List.copyOf(whiteouts);
        opaque = List.copyOf(opaque);
        entries = Map.copyOf(entries);
    }

    /**
     * What one pass over a layer unpacked on its own gives its index and its disk.
     *
     * @param entries as {@link LayerIndex#entries}
     * @param content bytes of its regular files
     * @param count   entries below the layer's root
     */
    record Scan(Map<String, String> entries, long content, int count) {}

    /**
     * Lists a layer unpacked on its own and sets the atime and mtime of everything in it (itself too)
     * to the epoch, children before their folder, for {@code mkfs.ext4 -d}: one walk, one lstat and
     * one utimensat an entry.
     */
    static Scan scan(RootFs layer) throws IOException {
        Path root = layer.root();
        Map<String, String> out = new TreeMap<>();
        List<Path> all = new ArrayList<>();
        long content = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,size", LinkOption.NOFOLLOW_LINKS);
                // the mode's file type bits say folder, symlink or file
                int st = (Integer) a.get("mode");
                char type = (st & 0170000) == 0040000 ? 'd' : (st & 0170000) == 0120000 ? 'l' : 'f';
                if ((st & 0170000) == 0100000) {
                    content += (Long) a.get("size");
                }
                RootFs.Owner o = layer.owners().getOrDefault(rel, new RootFs.Owner(0, 0));
                out.put(rel, type + " " + Integer.toOctalString(st & 07777) + " " + o.uid() + " " + o.gid());
                all.add(p);
            }
        }
        FileTime zero = FileTime.fromMillis(0);
        // walk lists a folder before what it holds: reversed, children come first
        for (Path p : all.reversed()) {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(zero, zero, null);
        }
        return new Scan(out, content, all.size() - 1);
    }
}
