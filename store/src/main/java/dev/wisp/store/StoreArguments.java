package dev.wisp.store;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The argument checks of the {@link StateStore} contract, with its messages. Every implementation
 * (the embedded store, the etcd one) calls these, so they refuse the same input the same way
 * before doing any work. Each check throws {@link IllegalArgumentException} (or
 * {@link NullPointerException} for a missing argument) naming the limit that was passed.
 */
public final class StoreArguments {

    /** Longest lease ttl: etcd's limit. */
    private static final Duration MAX_TTL = Duration.ofSeconds(9_000_000_000L);

    private StoreArguments() {}

    /** A non-empty key of valid Unicode within {@link StateStore#MAX_KEY_BYTES}; returns it. */
    public static String requireValidKey(String key) {
        return Keys.requireValidKey(key);
    }

    /** A range or watch prefix: like a key, but may be empty (every key); returns it. */
    public static String requireValidPrefix(String prefix) {
        return Keys.requireValidPrefix(prefix);
    }

    /**
     * The arguments of {@link StateStore#txn}, copied (so the caller cannot change them after the
     * check) and checked: at most {@link StateStore#MAX_TXN_OPS} compares and operations per branch,
     * no branch naming a key twice.
     */
    public record Txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {

        public Txn {
            compares = List.copyOf(compares);
            then = List.copyOf(then);
            otherwise = List.copyOf(otherwise);
            if (compares.size() > StateStore.MAX_TXN_OPS) {
                throw new IllegalArgumentException("txn has " + compares.size() + " compares; the limit is "
                        + StateStore.MAX_TXN_OPS + " (StateStore.MAX_TXN_OPS)");
            }
            requireValidBranch("then", then);
            requireValidBranch("otherwise", otherwise);
        }
    }

    /** A lease ttl between 1 s and etcd's limit of 9,000,000,000 s. */
    public static void requireValidTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException(
                    "lease ttl must be between 1 s and " + MAX_TTL.toSeconds() + " s, was " + ttl);
        }
    }

    /** The arguments of {@link StateStore#watch}: a valid prefix, a listener, a revision of 0 or more. */
    public static void requireValidWatch(String prefix, long fromRevision, WatchListener listener) {
        Keys.requireValidPrefix(prefix);
        Objects.requireNonNull(listener, "listener");
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must be >= 0, was " + fromRevision);
        }
    }

    private static void requireValidBranch(String name, List<Op> ops) {
        if (ops.size() > StateStore.MAX_TXN_OPS) {
            throw new IllegalArgumentException("txn branch '" + name + "' has " + ops.size()
                    + " operations; the limit is " + StateStore.MAX_TXN_OPS + " (StateStore.MAX_TXN_OPS)");
        }
        Set<String> keys = new HashSet<>();
        for (Op op : ops) {
            if (!keys.add(op.key())) {
                throw new IllegalArgumentException(
                        "txn branch '" + name + "' names key " + op.key() + " more than once");
            }
        }
    }
}
