package dev.wisp.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The whole state at one point, in one checksummed file. Written to a temporary name, forced and
 * renamed, so a snapshot file either is complete or does not exist.
 */
final class SnapshotFile {

    private static final byte[] MAGIC = {'W', 'I', 'S', 'P', 'S', 'N', 'P', '1'};

    /** The state to save: immutable copies taken by the writer thread. */
    record Image(long revision, long nextLeaseId, List<LeaseEntry> leases, List<KeyValue> kvs) {}

    private SnapshotFile() {}

    static Image capture(KvState state) {
        List<LeaseEntry> leases = new ArrayList<>();
        for (LeaseEntry l : state.leases()) {
            leases.add(new LeaseEntry(l.id, l.ttlMillis, l.deadlineMillis)); // keys follow from the kvs
        }
        return new Image(
                state.revision(),
                state.nextLeaseId(),
                leases,
                new ArrayList<>(state.kvs().values()));
    }

    static void write(Path file, Image image) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            writeTemporary(tmp, image);
        } catch (IOException | RuntimeException e) {
            // On a full disk a half-written snapshot would keep holding the space it took.
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        StoreFiles.syncDirectory(file.getParent());
    }

    private static void writeTemporary(Path tmp, Image image) throws IOException {
        Files.deleteIfExists(tmp); // a left-over one keeps its mode; a new one is 0600
        try (FileChannel ch = StoreFiles.openPrivate(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            CheckedOutputStream checked = new CheckedOutputStream(
                    new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16), new CRC32C());
            DataOutputStream out = new DataOutputStream(checked);
            out.write(MAGIC);
            out.writeLong(image.revision());
            out.writeLong(image.nextLeaseId());
            out.writeInt(image.leases().size());
            for (LeaseEntry l : image.leases()) {
                out.writeLong(l.id);
                out.writeLong(l.ttlMillis);
                out.writeLong(l.deadlineMillis);
            }
            out.writeInt(image.kvs().size());
            for (KeyValue kv : image.kvs()) {
                byte[] key = kv.key().getBytes(StandardCharsets.UTF_8);
                out.writeInt(key.length);
                out.write(key);
                out.writeInt(kv.valueSize());
                out.write(kv.rawValue());
                out.writeLong(kv.createRevision());
                out.writeLong(kv.modRevision());
                out.writeLong(kv.version());
                out.writeLong(kv.lease());
            }
            out.writeInt((int) checked.getChecksum().getValue());
            out.flush();
            ch.force(true);
        }
    }

    /** Reads a snapshot; any damage is an error, since the logs before it may already be gone. */
    static Image read(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32C());
            DataInputStream in = new DataInputStream(checked);
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new StoreException("snapshot " + file + " is not a wisp store snapshot (bad header)");
            }
            long revision = in.readLong();
            long nextLeaseId = in.readLong();
            int leaseCount = in.readInt();
            List<LeaseEntry> leases = new ArrayList<>();
            for (int i = 0; i < leaseCount; i++) {
                leases.add(new LeaseEntry(in.readLong(), in.readLong(), in.readLong()));
            }
            int kvCount = in.readInt();
            List<KeyValue> kvs = new ArrayList<>();
            for (int i = 0; i < kvCount; i++) {
                String key = new String(readBytes(in, StateStore.MAX_KEY_BYTES), StandardCharsets.UTF_8);
                byte[] value = readBytes(in, StateStore.MAX_VALUE_BYTES);
                kvs.add(new KeyValue(key, value, in.readLong(), in.readLong(), in.readLong(), in.readLong()));
            }
            int expected = (int) checked.getChecksum().getValue();
            int actual = in.readInt();
            if (expected != actual || in.read() != -1) {
                throw new StoreException("snapshot " + file + " is corrupt (checksum mismatch)");
            }
            return new Image(revision, nextLeaseId, leases, kvs);
        } catch (EOFException e) {
            throw new StoreException("snapshot " + file + " is truncated", e);
        } catch (IOException e) {
            throw new StoreException("cannot read snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new StoreException("corrupt snapshot: field of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
