package dev.wisp.store;

import dev.wisp.store.WalRecord.WalOp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The state machine: keys, leases and the revision, changed only by {@link #apply}, which is
 * deterministic so that replaying the log rebuilds exactly the state that was acknowledged.
 *
 * <p>Not thread-safe; its owner locks. The store keeps two: the committed one that readers see
 * (with values), and the writer's working copy that runs ahead by the records not yet forced to
 * disk (metadata only: compares never look at values, so it costs no value memory).
 */
final class KvState {

    private static final byte[] NO_VALUE = new byte[0];

    private final boolean keepValues;
    private final TreeMap<String, KeyValue> kvs = new TreeMap<>(KeyOrder.INSTANCE);
    private final Map<Long, LeaseEntry> leases = new HashMap<>();
    private long revision;
    private long nextLeaseId = 1;

    KvState(boolean keepValues) {
        this.keepValues = keepValues;
    }

    /** A copy without values, for the writer's working state. */
    KvState metadataCopy() {
        KvState c = new KvState(false);
        for (KeyValue kv : kvs.values()) {
            c.kvs.put(kv.key(), stripped(kv));
        }
        leases.forEach((id, l) -> c.leases.put(id, l.copy()));
        c.revision = revision;
        c.nextLeaseId = nextLeaseId;
        return c;
    }

    long revision() {
        return revision;
    }

    long nextLeaseId() {
        return nextLeaseId;
    }

    KeyValue get(String key) {
        return kvs.get(key);
    }

    /** Keys starting with {@code prefix}, in order: they are contiguous from {@code prefix} on. */
    List<KeyValue> range(String prefix) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : kvs.tailMap(prefix, true).values()) {
            if (!kv.key().startsWith(prefix)) {
                break;
            }
            out.add(kv);
        }
        return out;
    }

    LeaseEntry lease(long id) {
        return leases.get(id);
    }

    Collection<LeaseEntry> leases() {
        return leases.values();
    }

    NavigableMap<String, KeyValue> kvs() {
        return kvs;
    }

    /** Loads a snapshot into this empty state. */
    void restore(long revision, long nextLeaseId, List<LeaseEntry> leaseList, List<KeyValue> kvList) {
        this.revision = revision;
        this.nextLeaseId = nextLeaseId;
        for (LeaseEntry l : leaseList) {
            leases.put(l.id, l);
        }
        for (KeyValue kv : kvList) {
            kvs.put(kv.key(), keepValues ? kv : stripped(kv));
            if (kv.lease() != StateStore.NO_LEASE) {
                LeaseEntry l = leases.get(kv.lease());
                if (l == null) {
                    throw new StoreException("corrupt snapshot: key " + kv.key() + " has unknown lease " + kv.lease());
                }
                l.keys.add(kv.key());
            }
        }
    }

    /**
     * Applies one record, adding the watch events it causes to {@code events} (null: not needed).
     *
     * @throws StoreException if the record does not fit the state: the log is corrupt
     */
    void apply(WalRecord record, List<WatchEvent> events) {
        long rev = record.revision();
        if (rev != 0) {
            if (rev != revision + 1) {
                throw corrupt(record, "revision " + rev + " does not follow " + revision);
            }
            revision = rev;
        }
        for (WalOp op : record.ops()) {
            switch (op) {
                case WalOp.Put p -> {
                    requireRevision(record);
                    if (p.lease() != StateStore.NO_LEASE && !leases.containsKey(p.lease())) {
                        throw corrupt(record, "put of " + p.key() + " names unknown lease " + p.lease());
                    }
                    KeyValue prev = kvs.get(p.key());
                    KeyValue kv = new KeyValue(
                            p.key(),
                            keepValues ? p.value() : NO_VALUE,
                            prev == null ? rev : prev.createRevision(),
                            rev,
                            prev == null ? 1 : prev.version() + 1,
                            p.lease());
                    kvs.put(p.key(), kv);
                    detach(prev);
                    if (p.lease() != StateStore.NO_LEASE) {
                        leases.get(p.lease()).keys.add(p.key());
                    }
                    if (events != null) {
                        events.add(new WatchEvent(WatchEvent.Type.PUT, kv, prev));
                    }
                }
                case WalOp.Delete d -> {
                    requireRevision(record);
                    KeyValue prev = kvs.remove(d.key());
                    if (prev == null) {
                        throw corrupt(record, "delete of missing key " + d.key());
                    }
                    detach(prev);
                    if (events != null) {
                        events.add(new WatchEvent(WatchEvent.Type.DELETE, KeyValue.tombstone(d.key(), rev), prev));
                    }
                }
                case WalOp.Grant g -> {
                    if (leases.containsKey(g.id())) {
                        throw corrupt(record, "lease " + g.id() + " granted twice");
                    }
                    leases.put(g.id(), new LeaseEntry(g.id(), g.ttlMillis(), g.deadlineMillis()));
                    nextLeaseId = Math.max(nextLeaseId, g.id() + 1);
                }
                case WalOp.KeepAlive k -> requireLease(record, k.id()).deadlineMillis = k.deadlineMillis();
                case WalOp.Revoke r -> {
                    LeaseEntry lease = requireLease(record, r.id());
                    if (!lease.keys.isEmpty()) {
                        requireRevision(record);
                    }
                    leases.remove(r.id());
                    for (String key : lease.keys) {
                        KeyValue prev = kvs.remove(key);
                        if (events != null) {
                            events.add(new WatchEvent(WatchEvent.Type.DELETE, KeyValue.tombstone(key, rev), prev));
                        }
                    }
                }
            }
        }
    }

    private void detach(KeyValue prev) {
        if (prev != null && prev.lease() != StateStore.NO_LEASE) {
            LeaseEntry l = leases.get(prev.lease());
            if (l != null) {
                l.keys.remove(prev.key());
            }
        }
    }

    private LeaseEntry requireLease(WalRecord record, long id) {
        LeaseEntry l = leases.get(id);
        if (l == null) {
            throw corrupt(record, "unknown lease " + id);
        }
        return l;
    }

    private static void requireRevision(WalRecord record) {
        if (record.revision() == 0) {
            throw corrupt(record, "key change without a revision");
        }
    }

    private static StoreException corrupt(WalRecord record, String why) {
        return new StoreException(
                "log record does not fit the state (" + why + "): the log is corrupt; record " + record);
    }

    private static KeyValue stripped(KeyValue kv) {
        return new KeyValue(kv.key(), NO_VALUE, kv.createRevision(), kv.modRevision(), kv.version(), kv.lease());
    }
}
