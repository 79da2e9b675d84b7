package dev.wisp.store;

import java.util.List;

/**
 * One entry of the write-ahead log: the effects of one write, already decided (compares are not
 * logged, only what they chose), so replay needs no clock and no logic beyond {@link KvState#apply}.
 *
 * @param revision the revision of the entry's key changes, or 0 if it changes no key (lease
 *     grants, keep-alives, revoking an empty lease)
 * @param ops the effects, applied in order
 */
record WalRecord(long revision, List<WalOp> ops) {

    WalRecord {
        ops = List.copyOf(ops);
    }

    /** An effect inside a {@link WalRecord}. */
    sealed interface WalOp {

        /** Set a key; createRevision and version follow from the state it applies to. */
        record Put(String key, byte[] value, long lease) implements WalOp {}

        /** Delete a key that exists. */
        record Delete(String key) implements WalOp {}

        /** Create a lease; the deadline is wall-clock epoch millis, so it holds across restarts. */
        record Grant(long id, long ttlMillis, long deadlineMillis) implements WalOp {}

        /** Move a lease's deadline. */
        record KeepAlive(long id, long deadlineMillis) implements WalOp {}

        /** End a lease, deleting its keys in key order (its key set follows from the state). */
        record Revoke(long id) implements WalOp {}
    }
}
