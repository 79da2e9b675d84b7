package dev.wisp.store;

/**
 * The outcome of {@link StateStore#txn}.
 *
 * @param succeeded whether every compare held (so the {@code then} branch was applied)
 * @param revision the revision of the applied branch's changes, or the current revision if it
 *     changed nothing
 */
public record TxnResult(boolean succeeded, long revision) {}
