package dev.wisp.oci;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The files of an image kept on disk, by relative name: a directory ({@code oci:DIR}) or a tar
 * ({@code oci-archive:FILE}, {@code docker-archive:FILE}), read in place without unpacking it.
 */
interface LayoutFiles extends Closeable {

    /** The size of the regular file {@code name}, or -1 when there is none. */
    long size(String name) throws IOException;

    /** The file's bytes; a missing file is a {@link NoSuchFileException}. */
    InputStream open(String name) throws IOException;

    /** Reads a small file (a manifest, an index, a config) of at most {@code max} bytes. */
    default byte[] readSmall(String name, long max, String what) throws IOException {
        long n = size(name);
        if (n < 0) {
            throw new NoSuchFileException(name);
        }
        if (n > max) {
            throw new OciException(what + " is larger than " + max + " bytes");
        }
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        }
    }

    /** A directory's files. */
    static LayoutFiles directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new OciException(
                    Files.exists(dir) ? dir + " is not a directory" : "no such directory: " + dir.toAbsolutePath());
        }
        return new LayoutFiles() {
            @Override
            public long size(String name) throws IOException {
                Path p = dir.resolve(name);
                // a layout's files are regular files; a symlink could lead anywhere on the host
                return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : -1;
            }

            @Override
            public InputStream open(String name) throws IOException {
                if (size(name) < 0) {
                    throw new NoSuchFileException(name);
                }
                return Files.newInputStream(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
            }

            @Override
            public void close() {}
        };
    }

    /** A tar's files, found through its headers once; symlinks between its members are followed. */
    static LayoutFiles tar(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new OciException(
                    Files.exists(file) ? file + " is not a file" : "no such file: " + file.toAbsolutePath());
        }
        TarFile tar;
        try {
            tar = new TarFile(file);
        } catch (IOException | RuntimeException e) {
            throw new OciException(file + " is not a readable tar archive: " + RegistryClient.rootMessage(e), e);
        }
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        for (TarArchiveEntry e : tar.getEntries()) {
            entries.put(normal(e.getName()), e);
        }
        return new LayoutFiles() {
            private static final int MAX_HOPS = 8;

            private TarArchiveEntry find(String name) {
                String n = normal(name);
                for (int hop = 0; hop <= MAX_HOPS; hop++) {
                    TarArchiveEntry e = entries.get(n);
                    if (e == null) {
                        return null;
                    }
                    if (e.isFile()) {
                        return e;
                    }
                    if (!e.isSymbolicLink() && !e.isLink()) {
                        return null;
                    }
                    // docker save links a layer it already wrote: ../OTHER/layer.tar (symlink) or a hardlink
                    String link = e.getLinkName();
                    n = e.isLink() || link.startsWith("/") ? normal(link) : resolve(parent(n), link);
                    if (n == null) {
                        return null;
                    }
                }
                return null;
            }

            @Override
            public long size(String name) {
                TarArchiveEntry e = find(name);
                return e == null ? -1 : e.getSize();
            }

            @Override
            public InputStream open(String name) throws IOException {
                TarArchiveEntry e = find(name);
                if (e == null) {
                    throw new NoSuchFileException(name);
                }
                return tar.getInputStream(e);
            }

            @Override
            public void close() throws IOException {
                tar.close();
            }
        };
    }

    /** A member name without leading "./" or "/" and without "." parts. */
    private static String normal(String name) {
        return resolve("", name);
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    /** {@code rel} taken from directory {@code dir} inside the archive; null if it climbs out. */
    private static String resolve(String dir, String rel) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String s : (dir + "/" + rel).split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(s);
            }
        }
        return String.join("/", parts);
    }
}
