package dev.wisp.sdk;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An image folder as a ustar archive, streamed (images reach hundreds of MiB) with its exact length
 * known up front, so the upload carries a Content-Length the server can refuse early.
 */
final class ImageTar {
    private static final int BLOCK = 512;
    /** ustar's size field holds 11 octal digits. */
    private static final long MAX_ENTRY = 077777777777L;

    private final List<Path> files;
    private final long length;

    private ImageTar(List<Path> files, long length) {
        this.files = files;
        this.length = length;
    }

    /** The regular, non-hidden files directly in {@code dir} (an image folder is flat). */
    static ImageTar of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("not an image folder: " + dir);
        }
        List<Path> files = new ArrayList<>();
        long length = 2L * BLOCK;
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : list.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(f)) {
                    continue;
                }
                if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
                    throw new IllegalArgumentException("file name too long for an image archive: " + name);
                }
                long size = Files.size(f);
                if (size > MAX_ENTRY) {
                    throw new IllegalArgumentException("file too large for an image archive: " + f);
                }
                files.add(f);
                length += BLOCK + padded(size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("image folder is empty: " + dir);
        }
        return new ImageTar(List.copyOf(files), length);
    }

    long length() {
        return length;
    }

    /** A fresh stream of the whole archive; files are opened one at a time as the stream reaches them. */
    InputStream open() {
        List<Supplier<InputStream>> parts = new ArrayList<>();
        for (Path f : files) {
            parts.add(() -> {
                try {
                    long size = Files.size(f);
                    return new SequenceInputStream(
                            new ByteArrayInputStream(header(f.getFileName().toString(), size)),
                            new SequenceInputStream(
                                    Files.newInputStream(f),
                                    new ByteArrayInputStream(new byte[(int) (padded(size) - size)])));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + f, e);
                }
            });
        }
        parts.add(() -> new ByteArrayInputStream(new byte[2 * BLOCK]));
        Iterator<Supplier<InputStream>> it = parts.iterator();
        return new SequenceInputStream(new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return it.hasNext();
            }

            @Override
            public InputStream nextElement() {
                return it.next().get();
            }
        });
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    static byte[] header(String name, long size) {
        byte[] h = new byte[BLOCK];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, String.format("%011o\0", System.currentTimeMillis() / 1000));
        put(h, 148, "        ");
        h[156] = '0';
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum));
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
