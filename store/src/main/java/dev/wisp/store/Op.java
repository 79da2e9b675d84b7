package dev.wisp.store;

import java.util.Arrays;
import java.util.Objects;

/** A write inside a {@link StateStore#txn}. */
public sealed interface Op permits Op.Put, Op.Delete {

    /** The key written. */
    String key();

    /** Sets {@code key} to {@code value}, detached from any lease. */
    static Op put(String key, byte[] value) {
        return new Put(key, value, StateStore.NO_LEASE);
    }

    /** Sets {@code key} to {@code value}, attached to {@code lease}. */
    static Op put(String key, byte[] value, long lease) {
        return new Put(key, value, lease);
    }

    /** Deletes {@code key} if it exists. */
    static Op delete(String key) {
        return new Delete(key);
    }

    /**
     * Put a value (copied on construction).
     *
     * @param lease the lease to attach, or {@link StateStore#NO_LEASE}
     */
    record Put(String key, byte[] value, long lease) implements Op {

        public Put {
            Keys.requireValidKey(key);
            value = Keys.requireValidValue(value).clone();
            if (lease < 0) {
                throw new IllegalArgumentException("lease id must be >= 0, was " + lease);
            }
        }

        /** A copy of the value. */
        @Override
        public byte[] value() {
            return value.clone();
        }

        /** The array itself, for the store to keep without another copy. */
        byte[] rawValue() {
            return value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && key.equals(p.key) && Arrays.equals(value, p.value) && lease == p.lease;
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, Arrays.hashCode(value), lease);
        }

        @Override
        public String toString() {
            return "Put[key=" + key + ", value=" + value.length + " bytes, lease=" + lease + "]";
        }
    }

    /** Delete a key. */
    record Delete(String key) implements Op {

        public Delete {
            Keys.requireValidKey(key);
        }
    }
}
