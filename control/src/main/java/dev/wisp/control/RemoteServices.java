package dev.wisp.control;

import dev.wisp.cluster.Assignment;
import dev.wisp.cluster.Member;
import dev.wisp.cluster.NodeRecord;
import dev.wisp.router.Endpoint;
import dev.wisp.router.ServiceBackend;
import dev.wisp.router.ServiceDirectory;
import dev.wisp.router.ServiceEndpoints;
import dev.wisp.router.ServiceLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The router's view of service keys that run on other nodes: each such key is a service whose
 * endpoints are the routers of the live nodes it is assigned to, so a request landing here is
 * forwarded in one hop (the other router serves it from its own instances, waking one if they
 * sleep). The node consults this only for keys it does not run itself; a key placed here while
 * requests waited for it is reached through this node's own router (one more local hop for those). The same backend object
 * is kept per key while the key exists, so the router keeps its pools and meters for it.
 */
final class RemoteServices implements ServiceDirectory {
    /** Keys the routing table knows (a key between placements still resolves, its requests wait). */
    private final Predicate<String> routed;

    private final Map<String, ServiceEndpoints> backends = new ConcurrentHashMap<>();
    private volatile Map<String, List<Endpoint>> where = Map.of();

    RemoteServices(Predicate<String> routed) {
        this.routed = routed;
    }

    /** Takes the current assignments and members: where each key runs, and how to reach it. */
    void refresh(Map<String, Map<String, Assignment>> assignments, List<Member> members) {
        Map<String, NodeRecord> live = new HashMap<>();
        for (Member m : members) {
            // This node's own router is listed too (for keys it runs, which it has deployed by
            // now): requests that waited here while the key ran elsewhere, or nowhere, are
            // served once it runs here, instead of waiting out their queue timeout.
            if (m.state() != Member.State.LOST) {
                live.put(m.node().name(), m.node());
            }
        }
        Map<String, List<Endpoint>> w = new HashMap<>();
        assignments.forEach((node, keys) -> {
            NodeRecord rec = live.get(node);
            if (rec == null || rec.routerPort() <= 0) {
                return;
            }
            Endpoint e = new Endpoint("node-" + node, rec.address(), rec.routerPort());
            // A standby replica holds a template, not an instance: nothing to forward to there.
            keys.values().stream()
                    .filter(a -> !a.standby())
                    .forEach(a ->
                            w.computeIfAbsent(a.key(), x -> new ArrayList<>()).add(e));
        });
        where = Map.copyOf(w);
        backends.forEach((k, b) -> b.set(w.getOrDefault(k, List.of())));
        backends.keySet().removeIf(k -> !w.containsKey(k) && !routed.test(k));
    }

    @Override
    public ServiceBackend lookup(String key) {
        ServiceEndpoints b = backends.get(key);
        if (b != null) {
            return b;
        }
        if (!where.containsKey(key) && !routed.test(key)) {
            return null;
        }
        return backends.computeIfAbsent(key, k -> {
            // Demand is the serving node's business: its own router sees the forwarded request.
            ServiceEndpoints e = new ServiceEndpoints(k, ServiceLimits.DEFAULTS, d -> {}, (ep, t) -> {});
            e.set(where.getOrDefault(k, List.of()));
            return e;
        });
    }

    /** The nodes' routers a key is forwarded to now (for tests and status). */
    List<Endpoint> endpointsOf(String key) {
        return where.getOrDefault(key, List.of());
    }
}
