package dev.wisp.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key's value and metadata, as etcd reports them.
 *
 * <p>The value array is copied on construction and by {@link #value()}, so instances are immutable.
 *
 * @param key the key
 * @param value the value (empty in the {@link WatchEvent#kv()} of a delete)
 * @param createRevision revision that created the key in its current life (since its last delete)
 * @param modRevision revision of the key's latest change (for a delete event: the deletion's)
 * @param version 1 after creation, +1 per put; 0 for a deleted key
 * @param lease the attached lease id, or {@link StateStore#NO_LEASE}
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    private static final byte[] EMPTY = new byte[0];

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        value = value.length == 0 ? EMPTY : value.clone();
    }

    /** What a watch reports as the key of a deletion at {@code revision}: key and revision only. */
    static KeyValue tombstone(String key, long revision) {
        return new KeyValue(key, EMPTY, 0, revision, 0, StateStore.NO_LEASE);
    }

    /** A copy of the value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value decoded as UTF-8. */
    public String valueUtf8() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** The value's size in bytes, without copying it. */
    public int valueSize() {
        return value.length;
    }

    /** The stored array itself, for writing it out without a copy; callers must not modify it. */
    byte[] rawValue() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv
                && key.equals(kv.key)
                && Arrays.equals(value, kv.value)
                && createRevision == kv.createRevision
                && modRevision == kv.modRevision
                && version == kv.version
                && lease == kv.lease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version, lease);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + key + ", value=" + value.length + " bytes, createRevision=" + createRevision
                + ", modRevision=" + modRevision + ", version=" + version + ", lease=" + lease + "]";
    }
}
