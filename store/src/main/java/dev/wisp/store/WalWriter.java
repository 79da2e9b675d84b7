package dev.wisp.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Appends framed records to the current log segment and forces them to disk. Writer thread only. */
final class WalWriter implements Closeable {

    /** Every segment starts with this, so a foreign or mangled file is told apart from a torn one. */
    static final byte[] MAGIC = {'W', 'I', 'S', 'P', 'W', 'A', 'L', '1'};

    private final Path dir;
    private long seq;
    private FileChannel channel;
    private long size;

    /** Continues segment {@code seq}, which recovery left ending at a record boundary of {@code size}. */
    WalWriter(Path dir, long seq, long size) throws IOException {
        this.dir = dir;
        this.seq = seq;
        this.channel = FileChannel.open(StoreFiles.segment(dir, seq), StandardOpenOption.WRITE);
        this.channel.position(size);
        this.size = size;
    }

    /** Creates segment {@code seq} with its header, durably (file contents and directory entry). */
    static void create(Path dir, long seq) throws IOException {
        try (FileChannel ch = StoreFiles.openPrivate(StoreFiles.segment(dir, seq), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            writeFully(ch, new ByteBuffer[] {ByteBuffer.wrap(MAGIC)});
            ch.force(true);
        }
        StoreFiles.syncDirectory(dir);
    }

    long seq() {
        return seq;
    }

    long size() {
        return size;
    }

    /** Appends the records and returns once they are on disk: the moment writes become acknowledgeable. */
    void append(List<ByteBuffer> frames) throws IOException {
        ByteBuffer[] bufs = frames.toArray(ByteBuffer[]::new);
        size += writeFully(channel, bufs);
        // fdatasync: the data and the file length, which is all an append needs.
        channel.force(false);
    }

    /** Closes the current segment (already forced) and continues in a new one. Returns the new sequence. */
    long rotate() throws IOException {
        channel.close();
        create(dir, seq + 1);
        seq++;
        channel = FileChannel.open(StoreFiles.segment(dir, seq), StandardOpenOption.WRITE);
        size = channel.size();
        channel.position(size);
        return seq;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static long writeFully(FileChannel ch, ByteBuffer[] bufs) throws IOException {
        long total = 0;
        for (ByteBuffer b : bufs) {
            total += b.remaining();
        }
        long written = 0;
        while (written < total) {
            written += ch.write(bufs);
        }
        return total;
    }
}
