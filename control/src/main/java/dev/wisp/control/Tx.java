package dev.wisp.control;

import dev.wisp.store.Compare;
import dev.wisp.store.KeyValue;
import dev.wisp.store.Op;
import dev.wisp.store.StateStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One optimistic transaction: every key read is compared on its mod revision at commit (0 for a
 * key that was absent), so a concurrent change makes the commit fail and the body run again on
 * fresh data. Range reads are not compared; writers that depend on a range also read (and
 * touch) a key that every writer of that range touches.
 */
final class Tx {
    private final StateStore store;
    private final Map<String, Long> reads = new LinkedHashMap<>();
    private final Map<String, Op> writes = new LinkedHashMap<>();

    Tx(StateStore store) {
        this.store = store;
    }

    <T> Optional<T> get(String key, Class<T> type) {
        Optional<KeyValue> kv = store.get(key);
        reads.putIfAbsent(key, kv.map(KeyValue::modRevision).orElse(0L));
        return kv.map(v -> Json.read(v.value(), type));
    }

    <T> List<T> range(String prefix, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (KeyValue kv : store.range(prefix).kvs()) {
            out.add(Json.read(kv.value(), type));
        }
        return out;
    }

    void put(String key, Object value) {
        writes.put(key, Op.put(key, Json.bytes(value)));
    }

    void delete(String key) {
        writes.put(key, Op.delete(key));
    }

    boolean hasWrites() {
        return !writes.isEmpty();
    }

    /** True if it applied; false if a key read had changed. */
    boolean commit() {
        if (writes.isEmpty()) {
            return true;
        }
        if (writes.size() > StateStore.MAX_TXN_OPS || reads.size() > StateStore.MAX_TXN_OPS) {
            throw new IllegalStateException("transaction too large: " + writes.size() + " writes");
        }
        List<Compare> compares = new ArrayList<>();
        reads.forEach((k, rev) -> compares.add(Compare.modRevision(k, rev)));
        return store.txn(compares, List.copyOf(writes.values()), List.of()).succeeded();
    }
}
