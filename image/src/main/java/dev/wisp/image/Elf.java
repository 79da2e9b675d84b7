package dev.wisp.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Just enough ELF reading to tell a whole 64-bit executable and a static one. */
final class Elf {
    private static final int PT_INTERP = 3;

    private Elf() {}

    /** @return the file's 64-byte ELF64 header, little-endian, or null if it is not ELF64 */
    private static ByteBuffer header(RandomAccessFile f) throws IOException {
        if (f.length() < 64) {
            return null;
        }
        byte[] h = new byte[64];
        f.readFully(h);
        if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F' || h[4] != 2) {
            return null;
        }
        return ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @return null if {@code file} is a whole ELF64 file (its section table lies inside it), else
     *     why not
     */
    static String problem(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            ByteBuffer h = header(f);
            if (h == null) {
                return "not an ELF64 file";
            }
            long shoff = h.getLong(0x28);
            long end = shoff + (long) (h.getShort(0x3a) & 0xffff) * (h.getShort(0x3c) & 0xffff);
            return end <= f.length() ? null : "truncated ELF file";
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }

    /** @return true if {@code file} is an ELF64 executable without a program interpreter */
    static boolean isStatic(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            ByteBuffer h = header(f);
            if (h == null) {
                return false;
            }
            long phoff = h.getLong(0x20);
            int phentsize = h.getShort(0x36) & 0xffff;
            int phnum = h.getShort(0x38) & 0xffff;
            for (int i = 0; i < phnum; i++) {
                f.seek(phoff + (long) i * phentsize);
                if (Integer.reverseBytes(f.readInt()) == PT_INTERP) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
