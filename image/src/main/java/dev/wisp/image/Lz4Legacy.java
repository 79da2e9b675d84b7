package dev.wisp.image;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Decoder for the LZ4 legacy frame that Debian's kernels carry inside their bzImage. Done in Java
 * because the {@code lz4} tool is missing on fresh machines, and because the frame in a bzImage is
 * followed by unrelated bytes that the tool reports as an error.
 */
final class Lz4Legacy {
    /** Legacy frame magic 0x184C2102, as it appears in the file (little-endian). */
    static final byte[] MAGIC = {0x02, 0x21, 0x4c, 0x18};

    private static final int BLOCK = 8 << 20;

    private Lz4Legacy() {}

    /** @return the offset of the first legacy frame magic in {@code data}, or -1 */
    static int find(byte[] data) {
        outer:
        for (int i = 0; i + MAGIC.length <= data.length; i++) {
            for (int j = 0; j < MAGIC.length; j++) {
                if (data[i + j] != MAGIC[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Decompresses the frame starting at {@code offset} (at its magic) into {@code out}.
     * Every block but the last expands to exactly 8 MiB, so a shorter block, or a block size that
     * does not fit what follows, ends the frame.
     *
     * @return the number of bytes written
     */
    static long decompress(byte[] data, int offset, OutputStream out) throws IOException {
        int p = offset + MAGIC.length;
        byte[] block = new byte[BLOCK];
        long total = 0;
        while (p + 4 <= data.length) {
            int size = le32(data, p);
            if (size <= 0 || size > data.length - p - 4) {
                break;
            }
            if (total > 0 && size == le32(MAGIC, 0)) {
                p += 4; // concatenated frame: skip its magic
                continue;
            }
            int n = decodeBlock(data, p + 4, p + 4 + size, block);
            out.write(block, 0, n);
            total += n;
            p += 4 + size;
            if (n < BLOCK) {
                break;
            }
        }
        if (total == 0) {
            throw new IOException("empty LZ4 frame");
        }
        return total;
    }

    /** Decodes one raw LZ4 block; returns its decompressed length. */
    static int decodeBlock(byte[] src, int sp, int end, byte[] dst) throws IOException {
        int dp = 0;
        while (sp < end) {
            int token = src[sp++] & 0xff;
            int literals = token >>> 4;
            if (literals == 15) {
                int more = lengthBytes(src, sp);
                literals += more;
                sp += more / 255 + 1;
            }
            if (sp + literals > end || dp + literals > dst.length) {
                throw new IOException("corrupt LZ4 block (literals)");
            }
            System.arraycopy(src, sp, dst, dp, literals);
            sp += literals;
            dp += literals;
            if (sp >= end) {
                break; // the last sequence carries literals only
            }
            int distance = (src[sp] & 0xff) | (src[sp + 1] & 0xff) << 8;
            sp += 2;
            int match = token & 15;
            if (match == 15) {
                int more = lengthBytes(src, sp);
                match += more;
                sp += more / 255 + 1;
            }
            match += 4;
            if (distance == 0 || distance > dp || dp + match > dst.length) {
                throw new IOException("corrupt LZ4 block (match)");
            }
            int from = dp - distance;
            if (distance >= match) {
                System.arraycopy(dst, from, dst, dp, match);
                dp += match;
            } else {
                for (int i = 0; i < match; i++) {
                    dst[dp++] = dst[from + i]; // overlapping copy repeats the pattern
                }
            }
        }
        return dp;
    }

    /**
     * The sum of the length bytes at {@code sp} that extend a token's 15: each adds its value, the
     * first below 255 is the last. They take {@code sum / 255 + 1} bytes.
     */
    private static int lengthBytes(byte[] src, int sp) {
        int sum = 0;
        int b;
        do {
            b = src[sp++] & 0xff;
            sum += b;
        } while (b == 255);
        return sum;
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }
}
