package dev.wisp.store;

import java.util.Objects;

/**
 * A condition of a {@link StateStore#txn}: one metadata field of a key equals a value. A missing
 * key has 0 in every field.
 *
 * @param key the key to look at
 * @param field which metadata field
 * @param expected the value it must equal
 */
public record Compare(String key, Field field, long expected) {

    /** The key metadata a compare can look at. */
    public enum Field {
        MOD_REVISION,
        CREATE_REVISION,
        VERSION
    }

    public Compare {
        Keys.requireValidKey(key);
        Objects.requireNonNull(field, "field");
        if (expected < 0) {
            throw new IllegalArgumentException("expected " + field + " must be >= 0, was " + expected);
        }
    }

    /** The key's {@link KeyValue#modRevision()} is {@code revision} (0: the key does not exist). */
    public static Compare modRevision(String key, long revision) {
        return new Compare(key, Field.MOD_REVISION, revision);
    }

    /** The key's {@link KeyValue#createRevision()} is {@code revision}. */
    public static Compare createRevision(String key, long revision) {
        return new Compare(key, Field.CREATE_REVISION, revision);
    }

    /** The key's {@link KeyValue#version()} is {@code version}. */
    public static Compare version(String key, long version) {
        return new Compare(key, Field.VERSION, version);
    }

    /** The key does not exist. */
    public static Compare absent(String key) {
        return version(key, 0);
    }

    /** Whether the compare holds for {@code kv} (null: the key does not exist). */
    boolean matches(KeyValue kv) {
        long actual = kv == null
                ? 0
                : switch (field) {
                    case MOD_REVISION -> kv.modRevision();
                    case CREATE_REVISION -> kv.createRevision();
                    case VERSION -> kv.version();
                };
        return actual == expected;
    }
}
