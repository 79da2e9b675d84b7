package dev.wisp.image;

import dev.wisp.oci.RootFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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

    /** Lists a layer unpacked on its own (before its times are zeroed: listing does not change them). */
    static Map<String, String> entriesOf(RootFs layer) throws IOException {
        Path root = layer.root();
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                // one stat an entry: the mode's file type bits say folder, symlink or file
                int st = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                char type = (st & 0170000) == 0040000 ? 'd' : (st & 0170000) == 0120000 ? 'l' : 'f';
                int mode = st & 07777;
                RootFs.Owner o = layer.owners().getOrDefault(rel, new RootFs.Owner(0, 0));
                out.put(rel, type + " " + Integer.toOctalString(mode) + " " + o.uid() + " " + o.gid());
            }
        }
        return out;
    }
}
