package dev.wisp.store;

import java.util.Objects;

/** Validation of keys and values against the {@link StateStore} limits, with messages that name them. */
final class Keys {

    private Keys() {}

    static String requireValidKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        requireBoundedUtf8("key", key);
        return key;
    }

    /** A range or watch prefix: like a key, but may be empty (meaning every key). */
    static String requireValidPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        requireBoundedUtf8("prefix", prefix);
        return prefix;
    }

    static byte[] requireValidValue(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length > StateStore.MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value is " + value.length + " bytes; the limit is "
                    + StateStore.MAX_VALUE_BYTES + " (StateStore.MAX_VALUE_BYTES)");
        }
        return value;
    }

    /** Counts UTF-8 bytes without encoding, rejecting unpaired surrogates (no UTF-8 form, no etcd key). */
    private static void requireBoundedUtf8(String what, String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(
                        what + " has an unpaired surrogate at index " + i + "; it must be valid Unicode");
            } else {
                bytes += 3;
            }
        }
        if (bytes > StateStore.MAX_KEY_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes in UTF-8; the limit is "
                    + StateStore.MAX_KEY_BYTES + " (StateStore.MAX_KEY_BYTES): " + s.substring(0, 40) + "...");
        }
    }
}
