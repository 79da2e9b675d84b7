package dev.wisp.oci;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * OCI whiteouts of one layer, for the {@link LayerApplier}: a {@code .wh.name} entry deletes
 * {@code name} from lower layers at once; an opaque marker ({@code .wh..wh..opq}) empties its
 * directory of everything lower layers had, after the whole layer is read (it may come anywhere
 * in the tar). Neither ever removes what this layer itself wrote, so the applier reports each
 * path it writes.
 */
final class LayerWhiteouts {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final RootTree tree;
    private final LayerPaths paths;
    private final Set<String> written = new HashSet<>();
    private final Set<String> writtenParents = new HashSet<>();
    private final List<String> opaque = new ArrayList<>();
    private final boolean keep;
    private final List<String> kept = new ArrayList<>();

    /**
     * @param keep true records whiteouts for an overlayfs layer ({@link #kept()}, {@link #opaque()})
     *     instead of deleting from the tree: the layer is unpacked on its own, its lower layers elsewhere
     */
    LayerWhiteouts(RootTree tree, LayerPaths paths, boolean keep) {
        this.tree = tree;
        this.paths = paths;
        this.keep = keep;
    }

    static boolean isWhiteout(String base) {
        return base.startsWith(WHITEOUT);
    }

    /** Applies the whiteout entry {@code name}: {@code base} in the directory {@code parentParts}. */
    void apply(String name, String base, List<String> parentParts) throws IOException {
        String parentRel = String.join("/", parentParts);
        if (keep) {
            if (base.length() == WHITEOUT.length()) {
                throw paths.refuse(name, "a whiteout without a name");
            }
            // the folder holding the marker is part of this layer, as in the tar it came from
            paths.resolveParent(parentParts, name, true);
            if (base.equals(OPAQUE)) {
                opaque.add(parentRel);
            } else {
                kept.add((parentRel.isEmpty() ? "" : parentRel + "/") + base.substring(WHITEOUT.length()));
            }
            return;
        }
        if (base.equals(OPAQUE)) {
            opaque.add(parentRel);
        } else if (base.length() == WHITEOUT.length()) {
            throw paths.refuse(name, "a whiteout without a name");
        } else {
            String target = (parentRel.isEmpty() ? "" : parentRel + "/") + base.substring(WHITEOUT.length());
            // a whiteout hides lower layers only, never what this layer wrote
            if (!written.contains(target)) {
                Path dir = paths.resolveParent(parentParts, name, false);
                if (dir != null) {
                    tree.delete(dir.resolve(base.substring(WHITEOUT.length())), target);
                }
            }
        }
    }

    /** Notes that this layer wrote {@code rel} (and so its parents). */
    void written(String rel) {
        written.add(rel);
        for (int i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) {
            writtenParents.add(rel.substring(0, i));
        }
    }

    /** Paths this layer deletes from lower ones (kept whiteouts), but not those it writes itself. */
    List<String> kept() {
        return kept.stream().filter(p -> !written.contains(p)).toList();
    }

    /** Folders this layer makes opaque (kept whiteouts). */
    List<String> opaque() {
        return keep ? List.copyOf(opaque) : List.of();
    }

    /** Empties the opaque directories of what lower layers had; call once the layer is read. */
    void applyOpaque() throws IOException {
        if (keep) {
            return;
        }
        for (String dir : opaque) {
            Path p = paths.resolveParent(dir.isEmpty() ? List.of() : List.of(dir.split("/")), dir, false);
            if (p != null && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                prune(p, dir);
            }
        }
    }

    /** Removes everything under {@code dir} that this layer did not write. */
    private void prune(Path dir, String rel) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        }
        for (Path child : children) {
            String cr = (rel.isEmpty() ? "" : rel + "/") + child.getFileName();
            boolean keep = written.contains(cr) || writtenParents.contains(cr);
            if (!keep) {
                tree.delete(child, cr);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                prune(child, cr);
            }
        }
    }
}
