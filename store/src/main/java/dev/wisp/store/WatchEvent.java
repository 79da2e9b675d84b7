package dev.wisp.store;

import java.util.Objects;

/**
 * One change seen by a {@link Watch}.
 *
 * @param type what happened
 * @param kv for a put, the key's new value and metadata; for a delete, only the key and the
 *     deletion's revision as {@link KeyValue#modRevision()} (like etcd)
 * @param prevKv the key before the change, or null if it did not exist
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {

    /** The kind of change. */
    public enum Type {
        PUT,
        DELETE
    }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
    }

    /** The changed key. */
    public String key() {
        return kv.key();
    }

    /** The revision of the change. */
    public long revision() {
        return kv.modRevision();
    }
}
