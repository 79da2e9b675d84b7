package dev.wisp.control;

import dev.wisp.cluster.Assignments;
import dev.wisp.cluster.ClusterKeys;
import dev.wisp.store.StateStore;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leader's routing table, stored at {@link ClusterKeys#ROUTES} for every node's router
 * (through the leader's fenced store); written only when it changed.
 */
final class StoredRoutes implements Reconciler.RoutesSink {
    private final StateStore fenced;
    private byte[] last;

    StoredRoutes(StateStore fenced) {
        this.fenced = fenced;
    }

    @Override
    public void publish(Map<String, String> routes, Map<String, TenantRouting.Target> targets) {
        byte[] now = Assignments.encode(new AssignedWork.RoutingTable(new TreeMap<>(routes), new TreeMap<>(targets)));
        if (last != null && Arrays.equals(last, now)) {
            return;
        }
        fenced.put(ClusterKeys.ROUTES, now);
        last = now;
    }
}
