package dev.wisp.control;

import dev.wisp.store.Compare;
import dev.wisp.store.KeyValue;
import dev.wisp.store.Op;
import dev.wisp.store.RangeResult;
import dev.wisp.store.StateStore;
import dev.wisp.store.Watch;
import dev.wisp.store.WatchEvent;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every change the API shows as an event, durable in the store and bounded per tenant (the
 * oldest is deleted in the same transaction that adds the newest). Sequence numbers are global
 * and increasing, so a stream can resume after any event it saw ({@code Last-Event-ID}).
 */
final class EventLog {
    static final String EVENTS = "/events/";
    private static final System.Logger LOG = System.getLogger(EventLog.class.getName());

    private final StateStore store;
    private final InstantSource clock;
    private final int maxPerTenant;
    private final Map<String, Deque<String>> keysByTenant = new HashMap<>();
    private long seq;

    EventLog(StateStore store, InstantSource clock, int maxPerTenant) {
        this.store = store;
        this.clock = clock;
        this.maxPerTenant = maxPerTenant;
        for (KeyValue kv : store.range(EVENTS).kvs()) {
            EventRecord e = Json.read(kv.value(), EventRecord.class);
            keysByTenant.computeIfAbsent(e.tenant(), t -> new ArrayDeque<>()).addLast(kv.key());
            seq = Math.max(seq, e.seq());
        }
    }

    private long latestSeq(String tenant) {
        List<KeyValue> kvs = store.range(prefix(tenant)).kvs();
        return kvs.isEmpty()
                ? seq
                : Json.read(kvs.getLast().value(), EventRecord.class).seq();
    }

    static String prefix(String tenant) {
        return EVENTS + tenant + "/";
    }

    /** Records an event; failures are logged, never thrown: an event is never worth failing a change. */
    synchronized void append(String tenant, String kind, String service, String instance, String detail) {
        try {
            long next = seq + 1;
            EventRecord e = new EventRecord(next, clock.instant().toString(), kind, service, tenant, instance, detail);
            String key = prefix(tenant) + String.format("%012d", next);
            Deque<String> keys = keysByTenant.computeIfAbsent(tenant, t -> new ArrayDeque<>());
            List<Op> ops = new ArrayList<>();
            ops.add(Op.put(key, Json.bytes(e)));
            while (keys.size() + 1 > maxPerTenant && ops.size() < 64) {
                ops.add(Op.delete(keys.removeFirst()));
            }
            // In a cluster several nodes append: a sequence number another node took is skipped.
            if (!store.txn(List.of(Compare.absent(key)), ops, List.of()).succeeded()) {
                seq = Math.max(seq, latestSeq(tenant));
                append(tenant, kind, service, instance, detail);
                return;
            }
            keys.addLast(key);
            seq = next;
        } catch (RuntimeException ex) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "event " + kind + " of " + tenant + "/" + service + " not recorded: " + ex);
        }
    }

    /** Events of a tenant (optionally one service) after {@code afterSeq}, oldest first, at most {@code limit} (the newest). */
    List<EventRecord> list(String tenant, String service, long afterSeq, int limit) {
        List<EventRecord> all = new ArrayList<>();
        for (KeyValue kv : store.range(prefix(tenant)).kvs()) {
            EventRecord e = Json.read(kv.value(), EventRecord.class);
            if (e.seq() > afterSeq && (service == null || service.equals(e.service()))) {
                all.add(e);
            }
        }
        return all.size() > limit ? all.subList(all.size() - limit, all.size()) : all;
    }

    /**
     * Delivers the tenant's events after {@code afterSeq} (history first, then live), without gaps:
     * the live watch starts right after the revision the history was read at.
     */
    Watch follow(String tenant, long afterSeq, Consumer<EventRecord> sink) {
        RangeResult history = store.range(prefix(tenant));
        for (KeyValue kv : history.kvs()) {
            EventRecord e = Json.read(kv.value(), EventRecord.class);
            if (e.seq() > afterSeq) {
                sink.accept(e);
            }
        }
        return store.watch(prefix(tenant), history.revision() + 1, ev -> {
            if (ev.type() == WatchEvent.Type.PUT) {
                sink.accept(Json.read(ev.kv().value(), EventRecord.class));
            }
        });
    }
}
