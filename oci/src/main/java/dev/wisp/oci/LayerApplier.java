package dev.wisp.oci;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies layers (tar, tar+gzip, tar+zstd), in order, to one directory: OCI whiteouts, symlinks,
 * hardlinks, modes, owners and xattrs ({@link LayerXattrs}: recorded for the disk). Nothing is written outside the root: {@code ..}, absolute names and
 * relative symlinks that point out are refused; a path through a symlink resolves inside the root,
 * as it would in the guest. Device nodes and FIFOs are skipped with a note. Not thread-safe.
 *
 * <p>This class reads the tar and writes its entries within the limits; path checks are
 * {@link LayerPaths}', whiteouts {@link LayerWhiteouts}', modes, owners and deletion
 * {@link RootTree}'s.
 */
final class LayerApplier {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int MAX_NOTES = 100;
    /** Most of a failed layer's blob still read to tell a tampered blob from a true error (bytes). */
    static final long VERIFY_REST_MAX_BYTES = 64L << 20;
    /** Says why a layer cannot be unpacked on its own: the puller then applies every layer to one root. */
    static final String LOWER_HARDLINK = "a hardlink to a file of a lower layer";

    private final RootTree tree;
    private final Limits limits;
    private final List<String> notes = new ArrayList<>();
    private final boolean alone;
    private final List<String> whiteoutsKept = new ArrayList<>();
    private final List<String> opaqueKept = new ArrayList<>();
    private long files;
    private long bytes;
    private long skipped;

    // per layer
    private String layer;
    private LayerPaths paths;
    private LayerWhiteouts whiteouts;
    private final Map<String, RawPending> rawXattrs = new HashMap<>();

    /** An entry whose xattr values must be read from the tar's raw headers. */
    private record RawPending(String rel, String where, Map<String, byte[]> candidates) {}

    LayerApplier(Path root, Limits limits) throws IOException {
        this(root, limits, false);
    }

    /**
     * @param alone true for one layer unpacked on its own, as an overlayfs layer: whiteouts are
     *     recorded in the {@link RootFs} rather than applied, and a hardlink to a lower layer's file is
     *     refused ({@link #LOWER_HARDLINK} in the message)
     */
    LayerApplier(Path root, Limits limits, boolean alone) throws IOException {
        this.alone = alone;
        Path dir = root.toAbsolutePath().normalize();
        this.limits = limits;
        Files.createDirectories(dir);
        // a layer on its own becomes a disk whose owners come from the record alone: no chown on the host
        this.tree = new RootTree(dir, !alone && new com.sun.security.auth.module.UnixSystem().getUid() == 0);
    }

    /**
     * Applies one layer blob, reading it to its end ({@link BlobCache.Reader#complete}: a download
     * is checked and cached before anything of it is kept); {@code diffId}, when given, must be the
     * sha256 of the uncompressed tar. Closes {@code blob}.
     */
    void apply(BlobCache.Reader blob, Digest layerDigest, Digest diffId) throws IOException {
        layer = layerDigest.toString();
        paths = new LayerPaths(tree.root(), layer);
        rawXattrs.clear();
        whiteouts = new LayerWhiteouts(tree, paths, alone);
        MessageDigest md = Digest.sha256();
        Path cached;
        try (blob;
                InputStream raw = new BufferedInputStream(blob, 64 << 10);
                InputStream plain = decompress(raw);
                DigestInputStream counted = new DigestInputStream(plain, md);
                TarArchiveInputStream tar = new TarArchiveInputStream(counted)) {
            try {
                TarArchiveEntry e;
                while ((e = nextEntry(tar)) != null) {
                    entry(e, tar);
                }
                // the end-of-archive blocks belong to the diff id too
                counted.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException e) {
                // A blob that is not what its digest says fails here first, as broken compression or
                // as a tar header that breaks a limit: say that, not how it broke. Only a rest small
                // enough to read for the answer is read (a true layer past a limit may be huge).
                if (!(e instanceof OciException) || blob.remaining() <= VERIFY_REST_MAX_BYTES) {
                    try {
                        blob.complete();
                    } catch (OciException mismatch) {
                        mismatch.addSuppressed(e);
                        throw mismatch;
                    } catch (IOException ignored) {
                        // the first error is the one to report
                    }
                }
                throw e;
            }
            cached = blob.complete();
        } catch (OciException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new OciException("layer " + layer + " cannot be applied: " + RegistryClient.rootMessage(e), e);
        }
        if (!rawXattrs.isEmpty()) {
            rawXattrs(cached);
        }
        // opaque whiteouts hide what lower layers had, whatever their place in the tar
        whiteouts.applyOpaque();
        whiteoutsKept.addAll(whiteouts.kept());
        opaqueKept.addAll(whiteouts.opaque());
        if (diffId != null) {
            Digest got = Digest.of(md);
            if (!got.equals(diffId)) {
                throw new OciException("layer " + layer + " unpacks to " + got + ", but the image config says " + diffId
                        + "; refused");
            }
        }
    }

    /** Reads the layer's headers again for xattr values the tar reader altered (a second, header-only pass). */
    private void rawXattrs(Path blob) throws IOException {
        Map<String, Map<String, byte[]>> found;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(blob), 64 << 10);
                InputStream plain = decompress(raw)) {
            found = PaxXattrs.scan(plain, rawXattrs.keySet());
        } catch (IOException e) {
            throw new OciException("layer " + layer + ": cannot read its xattrs: " + e.getMessage(), e);
        }
        for (Map.Entry<String, RawPending> p : rawXattrs.entrySet()) {
            RawPending r = p.getValue();
            Map<String, byte[]> values = new TreeMap<>(r.candidates());
            Map<String, byte[]> raw = found.getOrDefault(p.getKey(), Map.of());
            values.replaceAll((k, v) -> v != null ? v : raw.get(k));
            if (LayerPaths.attrs(tree.root().resolve(r.rel())) != null) {
                tree.xattrs(r.rel(), LayerXattrs.keep(values, r.where(), this::skip));
            }
        }
    }

    /** Sets the directory modes held back while extracting (so read-only directories could be filled). */
    RootFs finish() throws IOException {
        tree.applyDirectoryModes();
        List<String> out = new ArrayList<>(notes);
        if (skipped > notes.size()) {
            out.add((skipped - notes.size()) + " more skipped entries");
        }
        return new RootFs(tree.root(), files, bytes, tree.owners(), tree.xattrs(), out, whiteoutsKept, opaqueKept);
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
        if (magic.length == 4
                && (magic[0] & 0xff) == 0x28
                && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return new ZstdInputStream(in);
        }
        return in;
    }

    private void entry(TarArchiveEntry e, InputStream content) throws IOException {
        String name = e.getName();
        List<String> parts = paths.components(name);
        if (parts.isEmpty()) {
            if (e.isDirectory()) {
                tree.attributes(tree.root(), "", e, true);
            }
            return;
        }
        String rel = String.join("/", parts);
        String base = parts.get(parts.size() - 1);
        List<String> parentParts = parts.subList(0, parts.size() - 1);
        if (LayerWhiteouts.isWhiteout(base)) {
            whiteouts.apply(name, base, parentParts);
            return;
        }
        if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            String kind = e.isFIFO()
                    ? "FIFO"
                    : (e.isCharacterDevice() ? "char" : "block") + " device " + e.getDevMajor() + ":" + e.getDevMinor();
            skip("skipped " + kind + " /" + rel + " (layer " + layer + ")");
            return;
        }
        if (!(e.isDirectory() || e.isFile() || e.isSymbolicLink() || e.isLink())) {
            skip("skipped entry of tar type '" + (char) e.getLinkFlag() + "' /" + rel + " (layer " + layer + ")");
            return;
        }
        if (++files > limits.maxFiles()) {
            throw new OciException("layer " + layer + ": more than the limit of " + limits.maxFiles()
                    + " files in the root tree (at /" + rel + ")");
        }
        Path target = paths.resolveParent(parentParts, name, true).resolve(base);
        BasicFileAttributes existing = LayerPaths.attrs(target);
        if (e.isDirectory()) {
            if (existing != null && !existing.isDirectory()) {
                tree.delete(target, rel);
                existing = null;
            }
            if (existing == null) {
                Files.createDirectory(target);
            }
            tree.attributes(target, rel, e, true);
        } else {
            if (existing != null) {
                tree.delete(target, rel);
            }
            if (e.isSymbolicLink()) {
                symlink(e, name, parentParts, target, rel);
            } else if (e.isLink()) {
                hardlink(e, name, target);
            } else {
                regularFile(e, content, target, rel);
            }
        }
        String where = "/" + rel + " (layer " + layer + ")";
        Map<String, byte[]> xattrs = LayerXattrs.candidates(e, where, this::skip);
        if (xattrs.containsValue(null)) {
            rawXattrs.put(PaxXattrs.normal(name), new RawPending(rel, where, xattrs));
            tree.xattrs(rel, Map.of());
        } else {
            tree.xattrs(rel, LayerXattrs.keep(xattrs, where, this::skip));
        }
        whiteouts.written(rel);
    }

    private void skip(String note) {
        skipped++;
        if (notes.size() < MAX_NOTES) {
            notes.add(note);
        }
    }

    private void symlink(TarArchiveEntry e, String name, List<String> parentParts, Path target, String rel)
            throws IOException {
        String link = e.getLinkName();
        if (!link.startsWith("/") && LayerPaths.escapes(parentParts, link)) {
            throw paths.refuse(name, "a symlink to '" + link + "', which points out of the root");
        }
        Files.createSymbolicLink(target, Path.of(link));
        tree.attributes(target, rel, e, false);
    }

    private void hardlink(TarArchiveEntry e, String name, Path target) throws IOException {
        List<String> src = paths.components(e.getLinkName());
        if (src.isEmpty()) {
            throw paths.refuse(name, "a hardlink to the root");
        }
        Path srcDir = paths.resolveParent(src.subList(0, src.size() - 1), e.getLinkName(), false);
        Path from = srcDir == null ? null : srcDir.resolve(src.get(src.size() - 1));
        BasicFileAttributes fa = from == null ? null : LayerPaths.attrs(from);
        if (fa == null && alone) {
            throw new OciException(layer + ": " + LOWER_HARDLINK + " ('" + name + "' to '" + e.getLinkName() + "')");
        }
        if (fa == null || fa.isDirectory()) {
            throw paths.refuse(name, "a hardlink to '" + e.getLinkName() + "', which is not a file in the root");
        }
        Files.createLink(target, from);
    }

    private void regularFile(TarArchiveEntry e, InputStream content, Path target, String rel) throws IOException {
        long size = e.getSize();
        if (bytes + size > limits.maxBytes()) {
            throw new OciException("layer " + layer + ": the root tree would pass the limit of " + limits.maxBytes()
                    + " bytes (at /" + rel + ", " + size + " bytes)");
        }
        try (OutputStream out =
                Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW)) {
            long n = content.transferTo(out);
            bytes += n;
        }
        tree.attributes(target, rel, e, true);
        if (!alone) {
            // a layer on its own gets every time zeroed for its disk
            Files.setLastModifiedTime(
                    target, FileTime.from(e.getLastModifiedDate().toInstant()));
        }
    }
}
