package dev.wisp.runtime.qemu;

import dev.wisp.runtime.SnapshotFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Shrinks the migration stream of a clone (RAM mapped privately from its template's memory file)
 * to the pages that differ from that file. QEMU 7.2 has no such mode: it sends every page of a
 * private mapping, ~60 MB for an idle 80 MiB guest of which it changed ~1 MB. Restored onto the
 * same file mapped privately, the pages left out read as the template's, so the VM is the same.
 *
 * <p>Only the RAM section is rewritten (QEMU 7.2 precopy format: {@code ram.c} page records, a
 * {@code savevm.c} section frame); the device sections after it are copied as they are. Anything
 * unexpected in the stream stops the rewrite and the full stream is kept, which restores the same.
 */
final class RamDelta {
    private static final System.Logger LOG = System.getLogger(RamDelta.class.getName());
    private static final int FILE_MAGIC = 0x5145564d;
    private static final int FILE_VERSION = 3;
    private static final int SECTION_START = 0x01;
    private static final int SECTION_PART = 0x02;
    private static final int SECTION_END = 0x03;
    private static final int SECTION_FOOTER = 0x7e;
    // Flags of a page record (QEMU's ram.c RAM_SAVE_FLAG_*): the synthetic streams of the tests use them too.
    static final int FLAG_ZERO = 0x02;
    static final int FLAG_MEM_SIZE = 0x04;
    static final int FLAG_PAGE = 0x08;
    static final int FLAG_EOS = 0x10;
    static final int FLAG_CONTINUE = 0x20;
    private static final long PAGE = 4096;
    private static final int FLAG_BITS = (int) PAGE - 1;
    /** The RAM section comes right after the small configuration section. */
    private static final int RAM_HEADER_SEARCH = 64 * 1024;

    /** What a rewrite kept. */
    record Result(SnapshotFiles files, long pagesKept, long pagesDropped) {}

    private final MappedByteBuffer in;
    private final FileChannel base;
    private final String baseBlock;
    private final boolean ignoreShared;
    private final OutputStream out;
    private final byte[] page = new byte[(int) PAGE];
    private final byte[] basePage = new byte[(int) PAGE];
    private String block;
    private String lastWrittenBlock;
    private long kept;
    private long dropped;

    private RamDelta(MappedByteBuffer in, FileChannel base, String baseBlock, boolean ignoreShared, OutputStream out) {
        this.in = in;
        this.base = base;
        this.baseBlock = baseBlock;
        this.ignoreShared = ignoreShared;
        this.out = out;
    }

    /**
     * Rewrites {@code stream} in place without the pages of RAM block {@code baseBlock} that equal
     * {@code baseFile} at the same offset. {@code ignoreShared}: whether the stream was saved with
     * QEMU's x-ignore-shared capability (its block list then carries addresses). Returns the
     * rewritten stream's size and checksum, or {@code full} if the stream could not be rewritten.
     */
    static SnapshotFiles shrink(
            Path stream, Path baseFile, String baseBlock, boolean ignoreShared, SnapshotFiles full) {
        Path tmp = stream.resolveSibling(stream.getFileName() + ".delta");
        try {
            Result r = rewrite(stream, baseFile, baseBlock, ignoreShared, tmp);
            Files.move(tmp, stream, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "{0}: kept {1} pages, dropped {2} equal to {3}",
                    stream,
                    r.pagesKept(),
                    r.pagesDropped(),
                    baseFile);
            return r.files();
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "keeping the full snapshot stream " + stream + " (could not leave out the template's pages: " + e
                            + ")");
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // A stray .delta file goes with its snapshot directory.
            }
            return full;
        }
    }

    static Result rewrite(Path stream, Path baseFile, String baseBlock, boolean ignoreShared, Path target)
            throws IOException {
        try (FileChannel src = FileChannel.open(stream, StandardOpenOption.READ);
                FileChannel base = FileChannel.open(baseFile, StandardOpenOption.READ)) {
            MappedByteBuffer in = src.map(FileChannel.MapMode.READ_ONLY, 0, src.size());
            CRC32C crc = new CRC32C();
            long written;
            try (CountingStream counting = new CountingStream(Files.newOutputStream(target));
                    OutputStream out = new BufferedOutputStream(new CheckedOutputStream(counting, crc), 1 << 16)) {
                RamDelta d = new RamDelta(in, base, baseBlock, ignoreShared, out);
                try {
                    d.run();
                } catch (java.nio.BufferUnderflowException e) {
                    throw new IOException("the migration stream " + stream + " is truncated: it ends at byte "
                            + in.limit() + " inside a record");
                }
                out.flush();
                written = counting.count;
                try (FileChannel sync = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    sync.force(false);
                }
                return new Result(new SnapshotFiles(written, crc.getValue()), d.kept, d.dropped);
            }
        }
    }

    private void run() throws IOException {
        if (in.getInt() != FILE_MAGIC || in.getInt() != FILE_VERSION) {
            throw new IOException("not a QEMU migration stream of version 3");
        }
        int ramStart = findRamStart();
        copy(0, ramStart);
        in.position(ramStart);
        int ramSection = -1;
        while (true) {
            int type = in.get() & 0xff;
            int section = in.getInt();
            byte[] header = new byte[] {(byte) type};
            out.write(header);
            writeInt(section);
            lastWrittenBlock = null;
            if (type == SECTION_START) {
                String id = readIdstr();
                int instance = in.getInt();
                int version = in.getInt();
                if (!"ram".equals(id) || ramSection != -1) {
                    throw new IOException("unexpected section " + id + " before RAM ended");
                }
                ramSection = section;
                writeIdstr(id);
                writeInt(instance);
                writeInt(version);
                copyBlockList();
            } else if ((type == SECTION_PART || type == SECTION_END) && section == ramSection) {
                // Only page records follow.
            } else {
                throw new IOException("unexpected section type " + type + " (id " + section + ") inside RAM");
            }
            copyPages();
            copyFooter(section);
            if (type == SECTION_END) {
                break;
            }
        }
        copy(in.position(), in.limit());
    }

    private int findRamStart() throws IOException {
        int limit = Math.min(in.limit() - 9, RAM_HEADER_SEARCH);
        for (int i = 8; i < limit; i++) {
            if (in.get(i) == SECTION_START
                    && in.get(i + 5) == 3
                    && in.get(i + 6) == 'r'
                    && in.get(i + 7) == 'a'
                    && in.get(i + 8) == 'm') {
                return i;
            }
        }
        throw new IOException("no RAM section near the start of the stream");
    }

    /** The setup record: total size, then each block's name, length (and address with x-ignore-shared). */
    private void copyBlockList() throws IOException {
        long v = in.getLong();
        if ((v & FLAG_MEM_SIZE) == 0) {
            throw new IOException("RAM section does not start with its block list");
        }
        writeLong(v);
        long total = v & ~(long) FLAG_BITS;
        while (total > 0) {
            writeIdstr(readIdstr());
            long length = in.getLong();
            writeLong(length);
            if (ignoreShared) {
                writeLong(in.getLong());
            }
            total -= length;
        }
        if (total != 0) {
            throw new IOException("RAM block lengths do not add up to the announced total");
        }
    }

    /** Page records until end-of-section; pages equal to the base file are left out. */
    private void copyPages() throws IOException {
        while (true) {
            long v = in.getLong();
            int flags = (int) (v & FLAG_BITS);
            long offset = v & ~(long) FLAG_BITS;
            if ((flags & FLAG_EOS) != 0) {
                writeLong(v);
                return;
            }
            if ((flags & FLAG_CONTINUE) == 0) {
                block = readIdstr();
            } else if (block == null) {
                throw new IOException("page record continues an unknown RAM block");
            }
            boolean zero = (flags & FLAG_ZERO) != 0;
            if (zero) {
                Arrays.fill(page, in.get());
            } else if ((flags & FLAG_PAGE) != 0) {
                in.get(page);
            } else {
                throw new IOException("unsupported RAM record flags 0x" + Integer.toHexString(flags));
            }
            if (baseBlock.equals(block) && sameAsBase(offset)) {
                dropped++;
                continue;
            }
            kept++;
            if (block.equals(lastWrittenBlock)) {
                writeLong(v | FLAG_CONTINUE);
            } else {
                writeLong(v & ~(long) FLAG_CONTINUE);
                writeIdstr(block);
                lastWrittenBlock = block;
            }
            if (zero) {
                out.write(page[0]);
            } else {
                out.write(page);
            }
        }
    }

    private boolean sameAsBase(long offset) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(basePage);
        while (b.hasRemaining()) {
            int n = base.read(b, offset + b.position());
            if (n < 0) {
                // Past the file's end reads as zeros, as a private mapping's would.
                Arrays.fill(basePage, b.position(), basePage.length, (byte) 0);
                break;
            }
        }
        return Arrays.equals(page, basePage);
    }

    private void copyFooter(int section) throws IOException {
        if (in.remaining() > 0 && (in.get(in.position()) & 0xff) == SECTION_FOOTER) {
            in.get();
            int id = in.getInt();
            if (id != section) {
                throw new IOException("section footer " + id + " closes section " + section);
            }
            out.write(SECTION_FOOTER);
            writeInt(id);
        }
    }

    private String readIdstr() {
        byte[] b = new byte[in.get() & 0xff];
        in.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private void writeIdstr(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b.length);
        out.write(b);
    }

    private void copy(int from, int to) throws IOException {
        byte[] chunk = new byte[1 << 16];
        for (int p = from; p < to; p += chunk.length) {
            int n = Math.min(chunk.length, to - p);
            in.get(p, chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    private void writeInt(int v) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(v).array());
    }

    private void writeLong(long v) throws IOException {
        out.write(ByteBuffer.allocate(8).putLong(v).array());
    }

    /** Counts what reaches the file. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
