package dev.wisp.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The guest's root file system as a sorted map from path (no leading slash) to node. Sorting makes
 * the archive deterministic and puts every folder before its contents, as the kernel needs.
 */
final class RootTree {
    sealed interface Node {}

    record Dir(int perm) implements Node {}

    record HostFile(Path source, int perm) implements Node {}

    record Bytes(byte[] content, int perm) implements Node {}

    record Link(String target) implements Node {}

    record Special(int type, int perm, int major, int minor) implements Node {}

    private final TreeMap<String, Node> nodes = new TreeMap<>();

    void dir(String path, int perm) {
        put(path, new Dir(perm));
    }

    void file(String path, int perm, String content) {
        put(path, new Bytes(content.getBytes(StandardCharsets.UTF_8), perm));
    }

    void file(String path, int perm, byte[] content) {
        put(path, new Bytes(content, perm));
    }

    void symlink(String path, String target) {
        put(path, new Link(target));
    }

    void special(String path, int type, int perm, int major, int minor) {
        put(path, new Special(type, perm, major, minor));
    }

    /** Adds or replaces a node, creating missing parent folders (0755). */
    void put(String path, Node node) {
        String p = clean(path);
        int slash = p.lastIndexOf('/');
        if (slash > 0) {
            String parent = p.substring(0, slash);
            Node existing = nodes.get(parent);
            if (existing == null) {
                put(parent, new Dir(0755));
            } else if (!(existing instanceof Dir)) {
                throw new IllegalStateException("/" + parent + " is not a folder, cannot hold /" + p);
            }
        }
        nodes.put(p, node);
    }

    boolean contains(String path) {
        return nodes.containsKey(clean(path));
    }

    /**
     * Copies a host folder's contents into the tree.
     *
     * @param map maps each relative path (slash-separated) to its place in the tree, or to null to
     *     leave it out
     * @param replace whether host entries replace nodes already in the tree
     */
    void addHostTree(Path source, UnaryOperator<String> map, boolean replace) {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.sorted().toList()) {
                if (p.equals(source)) {
                    continue;
                }
                String rel = source.relativize(p)
                        .toString()
                        .replace(p.getFileSystem().getSeparator(), "/");
                String dest = map.apply(rel);
                if (dest == null || dest.isEmpty()) {
                    continue;
                }
                Node node = hostNode(p);
                if (node == null) {
                    continue; // sockets and devices have no place in an image
                }
                Node existing = nodes.get(clean(dest));
                if (existing instanceof Dir && node instanceof Dir) {
                    continue;
                }
                if (existing != null && !replace) {
                    continue;
                }
                put(dest, node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Node hostNode(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int perm = mode & 07777;
        if (Files.isSymbolicLink(p)) {
            return new Link(Files.readSymbolicLink(p).toString());
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return new Dir(perm);
        }
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return new HostFile(p, perm);
        }
        return null;
    }

    /** Writes every node in path order. */
    void writeTo(CpioWriter cpio) throws IOException {
        for (Map.Entry<String, Node> e : nodes.entrySet()) {
            String name = e.getKey();
            switch (e.getValue()) {
                case Dir d -> cpio.directory(name, d.perm());
                case HostFile f -> cpio.file(name, f.perm(), f.source());
                case Bytes b -> cpio.file(name, b.perm(), b.content());
                case Link l -> cpio.symlink(name, l.target());
                case Special s -> cpio.special(name, s.type(), s.perm(), s.major(), s.minor());
            }
        }
    }

    List<String> paths() {
        return List.copyOf(nodes.keySet());
    }

    private static String clean(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.equals("..") || p.startsWith("../") || p.contains("/../")) {
            throw new IllegalArgumentException("bad path in image: " + path);
        }
        return p;
    }
}
