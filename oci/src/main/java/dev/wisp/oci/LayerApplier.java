package dev.wisp.oci;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies layers (tar, tar+gzip, tar+zstd), in order, to one directory: OCI whiteouts, symlinks,
 * hardlinks, modes and owners. Nothing is written outside the root: {@code ..}, absolute names and
 * relative symlinks that point out are refused; a path through a symlink resolves inside the root,
 * as it would in the guest. Device nodes and FIFOs are skipped with a note. Not thread-safe.
 */
final class LayerApplier {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int MAX_SYMLINK_HOPS = 40;
    private static final int MAX_NOTES = 100;

    private final Path root;
    private final Limits limits;
    private final boolean asRoot;
    private final NavigableMap<String, RootFs.Owner> owners = new TreeMap<>();
    private final NavigableMap<String, Integer> dirModes = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();
    private long files;
    private long bytes;
    private long skipped;

    // per layer
    private String layer;
    private Set<String> written;
    private Set<String> writtenParents;

    LayerApplier(Path root, Limits limits) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.limits = limits;
        Files.createDirectories(this.root);
        this.asRoot = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    /** Applies one layer blob; {@code diffId}, when given, must be the sha256 of the uncompressed tar. */
    void apply(Path blob, Digest layerDigest, Digest diffId) throws IOException {
        layer = layerDigest.toString();
        written = new HashSet<>();
        writtenParents = new HashSet<>();
        List<String> opaque = new ArrayList<>();
        MessageDigest md = Digest.sha256();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(blob), 64 << 10);
             InputStream plain = decompress(raw);
             DigestInputStream counted = new DigestInputStream(plain, md);
             TarArchiveInputStream tar = new TarArchiveInputStream(counted)) {
            TarArchiveEntry e;
            while ((e = nextEntry(tar)) != null) {
                entry(e, tar, opaque);
            }
            // the end-of-archive blocks belong to the diff id too
            counted.transferTo(OutputStream.nullOutputStream());
        } catch (OciException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new OciException("layer " + layer + " cannot be applied: " + RegistryClient.rootMessage(e), e);
        }
        // opaque whiteouts hide what lower layers had, whatever their place in the tar
        for (String dir : opaque) {
            Path p = resolveParent(dir.isEmpty() ? List.of() : List.of(dir.split("/")), dir, false);
            if (p != null && Files.isDirectory(p, NOFOLLOW)) {
                prune(p, dir);
            }
        }
        if (diffId != null) {
            Digest got = Digest.of(md);
            if (!got.equals(diffId)) {
                throw new OciException("layer " + layer + " unpacks to " + got + ", but the image config says "
                        + diffId + "; refused");
            }
        }
    }

    /** Sets the directory modes held back while extracting (so read-only directories could be filled). */
    RootFs finish() throws IOException {
        for (Map.Entry<String, Integer> d : dirModes.descendingMap().entrySet()) {
            Path p = root.resolve(d.getKey());
            if (Files.isDirectory(p, NOFOLLOW)) {
                Files.setAttribute(p, "unix:mode", d.getValue(), NOFOLLOW);
            }
        }
        List<String> out = new ArrayList<>(notes);
        if (skipped > notes.size()) {
            out.add((skipped - notes.size()) + " more skipped entries");
        }
        return new RootFs(root, files, bytes, owners, out);
    }

    private TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IllegalArgumentException e) {
            throw new IOException("bad tar header: " + e.getMessage(), e);
        }
    }

    private static InputStream decompress(InputStream in) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 64 << 10);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return new ZstdInputStream(in);
        }
        return in;
    }

    private void entry(TarArchiveEntry e, InputStream content, List<String> opaque) throws IOException {
        String name = e.getName();
        List<String> parts = components(name);
        if (parts.isEmpty()) {
            if (e.isDirectory()) {
                attributes(root, "", e, true);
            }
            return;
        }
        String rel = String.join("/", parts);
        String base = parts.get(parts.size() - 1);
        List<String> parentParts = parts.subList(0, parts.size() - 1);
        String parentRel = String.join("/", parentParts);
        if (base.startsWith(WHITEOUT)) {
            if (base.equals(OPAQUE)) {
                opaque.add(parentRel);
            } else if (base.length() == WHITEOUT.length()) {
                throw refuse(name, "a whiteout without a name");
            } else {
                String target = (parentRel.isEmpty() ? "" : parentRel + "/") + base.substring(WHITEOUT.length());
                // a whiteout hides lower layers only, never what this layer wrote
                if (!written.contains(target)) {
                    Path dir = resolveParent(parentParts, name, false);
                    if (dir != null) {
                        delete(dir.resolve(base.substring(WHITEOUT.length())), target);
                    }
                }
            }
            return;
        }
        if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            String kind = e.isFIFO() ? "FIFO" : (e.isCharacterDevice() ? "char" : "block") + " device "
                    + e.getDevMajor() + ":" + e.getDevMinor();
            skipped++;
            if (notes.size() < MAX_NOTES) {
                notes.add("skipped " + kind + " /" + rel + " (layer " + layer + ")");
            }
            return;
        }
        if (!(e.isDirectory() || e.isFile() || e.isSymbolicLink() || e.isLink())) {
            skipped++;
            if (notes.size() < MAX_NOTES) {
                notes.add("skipped entry of tar type '" + (char) e.getLinkFlag() + "' /" + rel + " (layer " + layer + ")");
            }
            return;
        }
        if (++files > limits.maxFiles()) {
            throw new OciException("layer " + layer + ": more than the limit of " + limits.maxFiles()
                    + " files in the root tree (at /" + rel + ")");
        }
        Path dir = resolveParent(parentParts, name, true);
        Path target = dir.resolve(base);
        BasicFileAttributes existing = attrs(target);
        if (e.isDirectory()) {
            if (existing != null && !existing.isDirectory()) {
                delete(target, rel);
                existing = null;
            }
            if (existing == null) {
                Files.createDirectory(target);
            }
            attributes(target, rel, e, true);
        } else {
            if (existing != null) {
                delete(target, rel);
            }
            if (e.isSymbolicLink()) {
                String link = e.getLinkName();
                if (!link.startsWith("/") && escapes(parentParts, link)) {
                    throw refuse(name, "a symlink to '" + link + "', which points out of the root");
                }
                Files.createSymbolicLink(target, Path.of(link));
                attributes(target, rel, e, false);
            } else if (e.isLink()) {
                List<String> src = components(e.getLinkName());
                if (src.isEmpty()) {
                    throw refuse(name, "a hardlink to the root");
                }
                Path srcDir = resolveParent(src.subList(0, src.size() - 1), e.getLinkName(), false);
                Path from = srcDir == null ? null : srcDir.resolve(src.get(src.size() - 1));
                BasicFileAttributes fa = from == null ? null : attrs(from);
                if (fa == null || fa.isDirectory()) {
                    throw refuse(name, "a hardlink to '" + e.getLinkName() + "', which is not a file in the root");
                }
                Files.createLink(target, from);
            } else {
                long size = e.getSize();
                if (bytes + size > limits.maxBytes()) {
                    throw new OciException("layer " + layer + ": the root tree would pass the limit of "
                            + limits.maxBytes() + " bytes (at /" + rel + ", " + size + " bytes)");
                }
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, NOFOLLOW)) {
                    long n = content.transferTo(out);
                    bytes += n;
                }
                attributes(target, rel, e, true);
                Files.setLastModifiedTime(target, FileTime.from(e.getLastModifiedDate().toInstant()));
            }
        }
        written.add(rel);
        for (int i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) {
            writtenParents.add(rel.substring(0, i));
        }
    }

    /** Mode and owner; directories get their mode at the end, owner-writable until then. */
    private void attributes(Path p, String rel, TarArchiveEntry e, boolean setMode) throws IOException {
        int mode = e.getMode() & 07777;
        if (setMode) {
            if (Files.isDirectory(p, NOFOLLOW)) {
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
            if (setMode && !Files.isDirectory(p, NOFOLLOW)) {
                // chown clears set-user-ID bits: set the mode again
                Files.setAttribute(p, "unix:mode", mode, NOFOLLOW);
            }
        }
    }

    /**
     * The directory holding a path, inside the root: missing directories are created when
     * {@code create}, else null is returned; symlinks on the way resolve as they would inside the
     * guest, and one that leads out of the root is refused.
     */
    private Path resolveParent(List<String> parts, String name, boolean create) throws IOException {
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
                            throw refuse(name, "a path through the symlink /" + String.join("/", done)
                                    + (done.isEmpty() ? "" : "/") + c + " -> " + link + ", which points out of the root");
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
                throw refuse(name, "a path through /" + String.join("/", done) + (done.isEmpty() ? "" : "/") + c
                        + ", which is not a directory");
            }
        }
        return root.resolve(String.join("/", done));
    }

    /** Name components without "." and empty parts; ".." and absolute names are refused. */
    private List<String> components(String name) {
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
    private static boolean escapes(List<String> dir, String link) {
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
                delete(child, cr);
            } else if (Files.isDirectory(child, NOFOLLOW)) {
                prune(child, cr);
            }
        }
    }

    /** Deletes a path (a directory with all it holds), never following symlinks. */
    private void delete(Path p, String rel) throws IOException {
        BasicFileAttributes a = attrs(p);
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes fa) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException ex) throws IOException {
                    if (ex != null) {
                        throw ex;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } else {
            Files.delete(p);
        }
        owners.remove(rel);
        owners.subMap(rel + "/", rel + "/\uffff").clear();
        dirModes.remove(rel);
        dirModes.subMap(rel + "/", rel + "/\uffff").clear();
    }

    private static BasicFileAttributes attrs(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
        } catch (IOException e) {
            return null;
        }
    }

    private OciException refuse(String name, String why) {
        return new OciException("layer " + layer + ": refused path '" + name + "': " + why);
    }
}
