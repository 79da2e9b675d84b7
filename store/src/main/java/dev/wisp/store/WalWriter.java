package dev.wisp.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
        try (FileChannel ch = StoreFiles.openPrivate(
                StoreFiles.segment(dir, seq), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
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

    /**
     * Appends the records and returns once they are on disk: the moment writes become acknowledgeable.
     * If writing or forcing fails (a full disk: ENOSPC can strike in the middle of a record), the
     * segment is cut back to its last whole record before this throws, so the log is exactly as it
     * was and the next append continues from there.
     *
     * @throws IOException the append failed and the log is as before it
     * @throws TailDamagedException the append failed and cutting the segment back failed too
     */
    void append(List<ByteBuffer> frames) throws IOException {
        ByteBuffer[] bufs = frames.toArray(ByteBuffer[]::new);
        try {
            long written = writeFully(channel, bufs);
            // fdatasync: the data and the file length, which is all an append needs.
            channel.force(false);
            size += written;
        } catch (IOException e) {
            cutBack(e);
            throw e;
        }
    }

    /**
     * Drops whatever a failed append left after the last whole record. The records before it were
     * forced by earlier appends, so they stay durable; truncating frees space and does not need any.
     */
    private void cutBack(IOException failure) throws TailDamagedException {
        try {
            channel.truncate(size);
            channel.position(size);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
            throw new TailDamagedException(
                    StoreFiles.segment(dir, seq) + " could not be cut back to offset " + size
                            + " after a failed append (" + e + ")",
                    failure);
        }
    }

    /**
     * Starts a new segment and continues in it, the current one being already forced. Returns the
     * new sequence. If the new segment cannot be created (a full disk), it is removed again and
     * appending continues in the current segment, so a later rotation can try again.
     */
    long rotate() throws IOException {
        Path next = StoreFiles.segment(dir, seq + 1);
        FileChannel nextChannel;
        try {
            create(dir, seq + 1);
            nextChannel = FileChannel.open(next, StandardOpenOption.WRITE);
        } catch (IOException e) {
            try {
                // A segment after the current one would make every later append to the current one unreadable.
                Files.deleteIfExists(next);
                StoreFiles.syncDirectory(dir);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
                throw new TailDamagedException("could not remove the unfinished log segment " + next, e);
            }
            throw e;
        }
        channel.close();
        channel = nextChannel;
        seq++;
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

    /** A failed write could not be undone: the log must not be appended to until recovery has read it. */
    static final class TailDamagedException extends IOException {
        private static final long serialVersionUID = 1L;

        TailDamagedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
