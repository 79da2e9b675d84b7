package dev.wisp.store;

import java.util.List;

/**
 * The answer to {@link StateStore#range}.
 *
 * @param kvs the matching keys, sorted by key
 * @param revision the store revision the read saw; {@code watch(prefix, revision + 1, ...)}
 *     continues from exactly this state
 */
public record RangeResult(List<KeyValue> kvs, long revision) {

    public RangeResult {
        kvs = List.copyOf(kvs);
    }
}
