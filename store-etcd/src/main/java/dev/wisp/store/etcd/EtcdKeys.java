package dev.wisp.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import dev.wisp.store.KeyValue;
import dev.wisp.store.StateStore;

/** Conversions between the store's string keys and etcd's byte keys, and the range a prefix covers. */
final class EtcdKeys {

    /** etcd's "from the first key" / "to the end" key: a range [\0, \0) means every key. */
    static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

    private EtcdKeys() {}

    static ByteString bytes(String key) {
        return ByteString.copyFromUtf8(key);
    }

    /** The first key of the range a prefix covers. */
    static ByteString rangeStart(String prefix) {
        return prefix.isEmpty() ? ZERO : bytes(prefix);
    }

    /**
     * The end (exclusive) of the range a prefix covers: the prefix with its last byte incremented.
     * UTF-8 never contains 0xFF, so no carry is needed; the empty prefix covers every key.
     */
    static ByteString rangeEnd(String prefix) {
        if (prefix.isEmpty()) {
            return ZERO;
        }
        byte[] end = prefix.getBytes(UTF_8);
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }

    /** The smallest key after {@code key} in byte order. */
    static ByteString successor(ByteString key) {
        return key.concat(ZERO);
    }

    static KeyValue toKeyValue(io.etcd.jetcd.api.KeyValue kv) {
        return new KeyValue(
                kv.getKey().toStringUtf8(),
                kv.getValue().toByteArray(),
                kv.getCreateRevision(),
                kv.getModRevision(),
                kv.getVersion(),
                kv.getLease());
    }

    /** What a watch reports as the key of a deletion: key and revision only. */
    static KeyValue tombstone(io.etcd.jetcd.api.KeyValue kv) {
        return new KeyValue(kv.getKey().toStringUtf8(), new byte[0], 0, kv.getModRevision(), 0, StateStore.NO_LEASE);
    }
}
