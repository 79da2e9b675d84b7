package dev.wisp.cluster;

import dev.wisp.store.KeyValue;
import dev.wisp.store.Op;
import dev.wisp.store.StateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The placement's outcome in the store: {@code /cluster/assign/<node>/<key>} holds an {@link
 * Assignment}. The leader writes them (through its fenced view, so a deposed leader cannot); each
 * node watches its own prefix and runs what is there; every router reads all of them to forward a
 * request to a node that runs the service.
 */
public final class Assignments {
    /** Writes go in transactions of at most this many operations (etcd's default limit is 128). */
    static final int BATCH = 100;

    private Assignments() {}

    /** The prefix a node watches. */
    public static String prefix(String node) {
        return ClusterKeys.ASSIGN + NodeRecord.requireName(node) + "/";
    }

    /** Every assignment, per node, per key. */
    public static Map<String, Map<String, Assignment>> all(StateStore store) {
        Map<String, Map<String, Assignment>> out = new TreeMap<>();
        for (KeyValue kv : store.range(ClusterKeys.ASSIGN).kvs()) {
            String rest = kv.key().substring(ClusterKeys.ASSIGN.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            out.computeIfAbsent(rest.substring(0, slash), n -> new TreeMap<>())
                    .put(rest.substring(slash + 1), ClusterJson.read(kv.value(), Assignment.class, kv.key()));
        }
        return out;
    }

    /** One node's assignments, by key. */
    public static Map<String, Assignment> of(StateStore store, String node) {
        Map<String, Assignment> out = new TreeMap<>();
        String prefix = prefix(node);
        for (KeyValue kv : store.range(prefix).kvs()) {
            out.put(kv.key().substring(prefix.length()), ClusterJson.read(kv.value(), Assignment.class, kv.key()));
        }
        return out;
    }

    /**
     * Makes the stored assignments equal {@code wanted} (per node, per key), writing only what
     * changed, in batches.
     *
     * @param store the leader's fenced view
     * @return how many keys were written or deleted
     */
    public static int write(StateStore store, Map<String, Map<String, Assignment>> wanted) {
        Map<String, Map<String, Assignment>> now = all(store);
        List<Op> ops = new ArrayList<>();
        for (Map.Entry<String, Map<String, Assignment>> n : wanted.entrySet()) {
            Map<String, Assignment> had = now.getOrDefault(n.getKey(), Map.of());
            for (Assignment a : n.getValue().values()) {
                if (!a.equals(had.get(a.key()))) {
                    ops.add(Op.put(prefix(n.getKey()) + a.key(), ClusterJson.bytes(a)));
                }
            }
        }
        for (Map.Entry<String, Map<String, Assignment>> n : now.entrySet()) {
            Map<String, Assignment> keep = wanted.getOrDefault(n.getKey(), Map.of());
            for (String key : n.getValue().keySet()) {
                if (!keep.containsKey(key)) {
                    ops.add(Op.delete(prefix(n.getKey()) + key));
                }
            }
        }
        for (int i = 0; i < ops.size(); i += BATCH) {
            store.txn(List.of(), ops.subList(i, Math.min(ops.size(), i + BATCH)), List.of());
        }
        return ops.size();
    }

    /** Per key, per node, the instances placed: the shape {@link Placement#place} takes as current. */
    public static Map<String, Map<String, Integer>> byKey(Map<String, Map<String, Assignment>> all) {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        all.forEach((node, keys) -> keys.values()
                .forEach(a -> out.computeIfAbsent(a.key(), k -> new TreeMap<>()).put(node, a.instances())));
        return out;
    }

    /** The routing table the leader publishes: see {@link ClusterKeys#ROUTES}. */
    public static byte[] encode(Object table) {
        return ClusterJson.bytes(table);
    }

    /** Reads what {@link #encode} wrote. */
    public static <T> T decode(byte[] json, Class<T> type) {
        return ClusterJson.read(json, type, ClusterKeys.ROUTES);
    }
}
