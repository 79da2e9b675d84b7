package dev.wisp.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the "newc" cpio format the kernel unpacks as an initramfs. Output depends only on what is
 * written: mtime 0, uid/gid 0, and inode numbers counted in write order.
 */
final class CpioWriter {
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    private final OutputStream out;
    private long written;
    private int nextInode = 1;

    CpioWriter(OutputStream out) {
        this.out = out;
    }

    void directory(String name, int perm) throws IOException {
        header(name, S_IFDIR | perm, 2, 0, 0, 0);
    }

    void file(String name, int perm, byte[] content) throws IOException {
        header(name, S_IFREG | perm, 1, content.length, 0, 0);
        write(content, content.length);
        pad();
    }

    /** Streams a host file; its size is taken once so a file growing meanwhile cannot corrupt the archive. */
    void file(String name, int perm, Path source) throws IOException {
        long size = Files.size(source);
        header(name, S_IFREG | perm, 1, size, 0, 0);
        try (InputStream in = Files.newInputStream(source)) {
            byte[] buf = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(source + " shrank while being archived");
                }
                write(buf, n);
                left -= n;
            }
        }
        pad();
    }

    void symlink(String name, String target) throws IOException {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        header(name, S_IFLNK | 0777, 1, t.length, 0, 0);
        write(t, t.length);
        pad();
    }

    /** A device or FIFO node; {@code type} is {@link #S_IFCHR} or {@link #S_IFIFO}. */
    void special(String name, int type, int perm, int major, int minor) throws IOException {
        header(name, type | perm, 1, 0, major, minor);
    }

    /** Writes the trailer entry; the archive is complete afterwards (the stream stays open). */
    void finish() throws IOException {
        nextInode = 0;
        header("TRAILER!!!", 0, 1, 0, 0, 0);
        out.flush();
    }

    private void header(String name, int mode, int nlink, long size, int rdevMajor, int rdevMinor) throws IOException {
        if (size > 0xffffffffL) {
            throw new IOException(name + " is larger than cpio's 4 GiB limit");
        }
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append("070701");
        long[] fields = {
            nextInode == 0 ? 0 : nextInode++, mode, 0, 0, nlink, 0, size, 0, 0, rdevMajor, rdevMinor, n.length + 1, 0
        };
        for (long f : fields) {
            String hex = Long.toHexString(f);
            h.append("0".repeat(8 - hex.length())).append(hex);
        }
        byte[] hb = h.toString().getBytes(StandardCharsets.US_ASCII);
        write(hb, hb.length);
        write(n, n.length);
        write(new byte[1], 1);
        pad();
    }

    private void write(byte[] b, int len) throws IOException {
        out.write(b, 0, len);
        written += len;
    }

    private void pad() throws IOException {
        int p = (int) ((4 - (written & 3)) & 3);
        if (p > 0) {
            write(new byte[p], p);
        }
    }
}
