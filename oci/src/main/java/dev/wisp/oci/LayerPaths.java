package dev.wisp.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Path safety while the {@link LayerApplier} applies one layer: tar names become checked
 * components ({@code ..}, absolute names and NULs refused), parents resolve through symlinks as
 * they would inside the guest, and nothing resolves outside the root. Refusals name the layer.
 */
record LayerPaths(Path root, String layer) {
    private static final int MAX_SYMLINK_HOPS = 40;

    /** Name components without "." and empty parts; ".." and absolute names are refused. */
    List<String> components(String name) {
        if (name.startsWith("/")) {
            throw refuse(name, "an absolute path");
        }
        List<String> out = new ArrayList<>();
        for (String s : name.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                throw refuse(name, "'..', which escapes the root");
            }
            if (s.indexOf('\0') >= 0) {
                throw refuse(name, "a NUL character");
            }
            out.add(s);
        }
        try {
            root.resolve(String.join("/", out));
        } catch (InvalidPathException ex) {
            throw refuse(name, "an invalid path");
        }
        return out;
    }

    /** True when a relative symlink in directory {@code dir} climbs above the root. */
    static boolean escapes(List<String> dir, String link) {
        int depth = dir.size();
        for (String s : link.split("/")) {
            if (s.equals("..")) {
                if (--depth < 0) {
                    return true;
                }
            } else if (!s.isEmpty() && !s.equals(".")) {
                depth++;
            }
        }
        return false;
    }

    /**
     * The directory holding a path, inside the root: missing directories are created when
     * {@code create}, else null is returned; symlinks on the way resolve as they would inside the
     * guest, and one that leads out of the root is refused.
     */
    Path resolveParent(List<String> parts, String name, boolean create) throws IOException {
        Deque<String> todo = new ArrayDeque<>(parts);
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            Path p = root.resolve(String.join("/", done)).resolve(c);
            BasicFileAttributes a = attrs(p);
            if (a == null) {
                if (!create) {
                    return null;
                }
                Files.createDirectory(p);
                done.add(c);
            } else if (a.isDirectory()) {
                done.add(c);
            } else if (a.isSymbolicLink()) {
                if (++hops > MAX_SYMLINK_HOPS) {
                    throw refuse(name, "more than " + MAX_SYMLINK_HOPS + " symlinks on its way");
                }
                String link = Files.readSymbolicLink(p).toString();
                List<String> next = new ArrayList<>();
                if (!link.startsWith("/")) {
                    next.addAll(done);
                }
                for (String s : link.split("/")) {
                    if (s.isEmpty() || s.equals(".")) {
                        continue;
                    }
                    if (s.equals("..")) {
                        if (next.isEmpty()) {
                            throw refuse(
                                    name,
                                    "a path through the symlink /" + String.join("/", done)
                                            + (done.isEmpty() ? "" : "/") + c + " -> " + link
                                            + ", which points out of the root");
                        }
                        next.remove(next.size() - 1);
                    } else {
                        next.add(s);
                    }
                }
                for (int i = next.size() - 1; i >= 0; i--) {
                    todo.addFirst(next.get(i));
                }
                done.clear();
            } else {
                throw refuse(
                        name,
                        "a path through /" + String.join("/", done) + (done.isEmpty() ? "" : "/") + c
                                + ", which is not a directory");
            }
        }
        return root.resolve(String.join("/", done));
    }

    /** The attributes of {@code p} itself (not a symlink's target), or null if it does not exist. */
    static BasicFileAttributes attrs(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    OciException refuse(String name, String why) {
        return new OciException("layer " + layer + ": refused path '" + name + "': " + why);
    }
}
