package dev.wisp.store;

import java.util.TreeSet;

/** A live lease in a {@link KvState}: its timing and the keys attached to it (sorted, so revocation order is fixed). */
final class LeaseEntry {

    final long id;
    final long ttlMillis;
    long deadlineMillis;
    final TreeSet<String> keys = new TreeSet<>(KeyOrder.INSTANCE);

    LeaseEntry(long id, long ttlMillis, long deadlineMillis) {
        this.id = id;
        this.ttlMillis = ttlMillis;
        this.deadlineMillis = deadlineMillis;
    }

    LeaseEntry copy() {
        LeaseEntry c = new LeaseEntry(id, ttlMillis, deadlineMillis);
        c.keys.addAll(keys);
        return c;
    }
}
