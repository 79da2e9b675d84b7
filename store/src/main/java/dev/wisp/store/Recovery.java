package dev.wisp.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Rebuilds the state on open: the newest snapshot, then every later log segment, dropping a torn
 * tail of the last segment. A torn tail is a crash in the middle of an append; since a write is
 * acknowledged only after its records are forced, and the file is forced whole, everything from the
 * first bad record on was never acknowledged. Damage anywhere else is reported, never skipped.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger("dev.wisp.store");

    /** The recovered state and where appending continues. */
    record Result(KvState state, History history, long segmentSeq, long segmentSize) {}

    private Recovery() {}

    static Result run(Path dir, EmbeddedOptions options) throws IOException {
        deleteTemporaryFiles(dir);
        List<Long> snapshots = StoreFiles.snapshots(dir);
        long snapSeq = snapshots.isEmpty() ? 0 : snapshots.getLast();
        KvState state = new KvState(true);
        if (snapSeq > 0) {
            SnapshotFile.Image image = SnapshotFile.read(StoreFiles.snapshot(dir, snapSeq));
            state.restore(image.revision(), image.nextLeaseId(), image.leases(), image.kvs());
        }
        // History before the snapshot is gone: watches can start right after it.
        History history = new History(options, state.revision() + 1);

        List<Long> segments = new ArrayList<>();
        for (long seq : StoreFiles.segments(dir)) {
            if (seq < snapSeq) {
                Files.delete(StoreFiles.segment(dir, seq)); // covered by the snapshot; a crash interrupted cleanup
            } else {
                segments.add(seq);
            }
        }
        for (long seq : snapshots) {
            if (seq < snapSeq) {
                Files.delete(StoreFiles.snapshot(dir, seq));
            }
        }
        long first = Math.max(snapSeq, 1);
        if (segments.isEmpty()) {
            WalWriter.create(dir, first);
            return new Result(state, history, first, WalWriter.MAGIC.length);
        }
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i) != first + i) {
                throw new StoreException("store " + dir + " is missing log segment "
                        + StoreFiles.segment(dir, first + i).getFileName() + "; found segments " + segments);
            }
        }
        long size = 0;
        List<WatchEvent> events = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            size = replay(StoreFiles.segment(dir, segments.get(i)), i == segments.size() - 1, state, history, events);
        }
        return new Result(state, history, segments.getLast(), size);
    }

    /** Applies one segment's records; returns the offset after the last good record. */
    private static long replay(Path file, boolean last, KvState state, History history, List<WatchEvent> events)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long fileSize = ch.size();
            int magicLength = WalWriter.MAGIC.length;
            if (fileSize < magicLength && last) {
                // Crash while creating the segment: nothing in it was ever acknowledged.
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(WalWriter.MAGIC), 0);
                ch.force(true);
                return magicLength;
            }
            ByteBuffer magic = ByteBuffer.allocate(magicLength);
            readFully(ch, magic, 0);
            if (!Arrays.equals(magic.array(), WalWriter.MAGIC)) {
                throw new StoreException(file + " is not a wisp store log (bad header)");
            }
            long pos = magicLength;
            ByteBuffer header = ByteBuffer.allocate(WalCodec.FRAME_HEADER_BYTES);
            ByteBuffer body = ByteBuffer.allocate(4096);
            String torn = null;
            while (pos < fileSize) {
                if (fileSize - pos < WalCodec.FRAME_HEADER_BYTES) {
                    torn = "partial record header";
                    break;
                }
                readFully(ch, header.clear(), pos);
                int length = header.getInt(0);
                int crc = header.getInt(4);
                if (length <= 0 || length > WalCodec.MAX_BODY_BYTES) {
                    torn = "invalid record length " + length;
                    break;
                }
                if (pos + WalCodec.FRAME_HEADER_BYTES + length > fileSize) {
                    torn = "partial record";
                    break;
                }
                if (body.capacity() < length) {
                    body = ByteBuffer.allocate(Math.max(length, body.capacity() * 2));
                }
                body.clear().limit(length);
                readFully(ch, body, pos + WalCodec.FRAME_HEADER_BYTES);
                body.flip();
                if (WalCodec.crc(body) != crc) {
                    torn = "checksum mismatch";
                    break;
                }
                WalRecord record = WalCodec.decode(body);
                events.clear();
                state.apply(record, events);
                history.append(events);
                pos += WalCodec.FRAME_HEADER_BYTES + length;
            }
            if (torn != null) {
                if (!last) {
                    throw new StoreException("log segment " + file + " is damaged at offset " + pos + " (" + torn
                            + ") and is not the last segment: acknowledged writes may be lost; refusing to open");
                }
                LOG.log(
                        Level.WARNING,
                        "store log {0}: dropping {1} bytes after offset {2} ({3}): a write torn by a "
                                + "crash, never acknowledged",
                        file,
                        fileSize - pos,
                        pos,
                        torn);
                ch.truncate(pos);
                ch.force(true);
            }
            return pos;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            p += n;
        }
    }

    private static void deleteTemporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(".tmp")) {
                    Files.delete(p); // an unfinished snapshot; the logs it would have replaced are still there
                }
            }
        }
    }
}
