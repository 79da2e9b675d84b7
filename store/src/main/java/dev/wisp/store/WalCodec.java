package dev.wisp.store;

import dev.wisp.store.WalRecord.WalOp;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Binary form of {@link WalRecord}s. A framed record is {@code [int length][int crc32c][body]};
 * the checksum covers the body, so a torn or corrupted record is recognised on replay.
 */
final class WalCodec {

    static final int FRAME_HEADER_BYTES = 8;

    /** Largest body a valid writer produces; a bigger length field can only be garbage. */
    static final int MAX_BODY_BYTES =
            16 + StateStore.MAX_TXN_OPS * (1 + 4 + StateStore.MAX_KEY_BYTES + 4 + StateStore.MAX_VALUE_BYTES + 8);

    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte GRANT = 3;
    private static final byte KEEP_ALIVE = 4;
    private static final byte REVOKE = 5;

    private WalCodec() {}

    /** The record with its frame header, ready to append. */
    static ByteBuffer frame(WalRecord record) {
        List<byte[]> keys = new ArrayList<>();
        int size = 8 + 4;
        for (WalOp op : record.ops()) {
            size += 1;
            switch (op) {
                case WalOp.Put p -> {
                    byte[] k = p.key().getBytes(StandardCharsets.UTF_8);
                    keys.add(k);
                    size += 4 + k.length + 4 + p.value().length + 8;
                }
                case WalOp.Delete d -> {
                    byte[] k = d.key().getBytes(StandardCharsets.UTF_8);
                    keys.add(k);
                    size += 4 + k.length;
                }
                case WalOp.Grant g -> size += 24;
                case WalOp.KeepAlive k -> size += 16;
                case WalOp.Revoke r -> size += 8;
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(FRAME_HEADER_BYTES + size);
        buf.position(FRAME_HEADER_BYTES);
        buf.putLong(record.revision());
        buf.putInt(record.ops().size());
        int k = 0;
        for (WalOp op : record.ops()) {
            switch (op) {
                case WalOp.Put p -> {
                    buf.put(PUT);
                    putBytes(buf, keys.get(k++));
                    putBytes(buf, p.value());
                    buf.putLong(p.lease());
                }
                case WalOp.Delete d -> {
                    buf.put(DELETE);
                    putBytes(buf, keys.get(k++));
                }
                case WalOp.Grant g ->
                    buf.put(GRANT).putLong(g.id()).putLong(g.ttlMillis()).putLong(g.deadlineMillis());
                case WalOp.KeepAlive ka -> buf.put(KEEP_ALIVE).putLong(ka.id()).putLong(ka.deadlineMillis());
                case WalOp.Revoke r -> buf.put(REVOKE).putLong(r.id());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), FRAME_HEADER_BYTES, size);
        buf.putInt(0, size);
        buf.putInt(4, (int) crc.getValue());
        buf.position(0);
        return buf;
    }

    static int crc(ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        return (int) crc.getValue();
    }

    /** Decodes a body whose checksum matched; a failure now means a bug or corruption, not a torn write. */
    static WalRecord decode(ByteBuffer body) {
        try {
            long revision = body.getLong();
            int n = body.getInt();
            if (n < 0 || n > 2 * StateStore.MAX_TXN_OPS + 1) {
                throw new StoreException("corrupt log record: " + n + " ops");
            }
            List<WalOp> ops = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte tag = body.get();
                ops.add(
                        switch (tag) {
                            case PUT -> new WalOp.Put(getString(body), getBytes(body), body.getLong());
                            case DELETE -> new WalOp.Delete(getString(body));
                            case GRANT -> new WalOp.Grant(body.getLong(), body.getLong(), body.getLong());
                            case KEEP_ALIVE -> new WalOp.KeepAlive(body.getLong(), body.getLong());
                            case REVOKE -> new WalOp.Revoke(body.getLong());
                            default -> throw new StoreException("corrupt log record: unknown op " + tag);
                        });
            }
            if (body.hasRemaining()) {
                throw new StoreException("corrupt log record: " + body.remaining() + " trailing bytes");
            }
            return new WalRecord(revision, ops);
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new StoreException("corrupt log record: truncated inside a checksummed body", e);
        }
    }

    private static void putBytes(ByteBuffer buf, byte[] b) {
        buf.putInt(b.length);
        buf.put(b);
    }

    private static byte[] getBytes(ByteBuffer buf) {
        int n = buf.getInt();
        if (n > buf.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    private static String getString(ByteBuffer buf) {
        return new String(getBytes(buf), StandardCharsets.UTF_8);
    }
}
