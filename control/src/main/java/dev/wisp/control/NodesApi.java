package dev.wisp.control;

import dev.wisp.cluster.Member;
import dev.wisp.cluster.Membership;
import dev.wisp.cluster.NodeRecord;
import dev.wisp.node.Node;
import dev.wisp.node.NodeCapacity;
import dev.wisp.node.ServiceStatus;
import dev.wisp.runtime.VmRuntime;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/nodes}: each node's size and what its instances hold; in cluster mode every node
 * the cluster has seen, with its state, and {@code POST /v1/nodes/{name}/drain}. Admin only (a
 * tenant token gets 404, as on other admin routes): the allocation and instance counts are every
 * tenant's.
 *
 * @param cluster null on a single host
 */
record NodesApi(Node node, ClusterSetup cluster) {
    /** What drain does not do yet; the API and the CLI say so. */
    static final String DRAIN_NOTE =
            "marked draining: placement moves its services to other nodes and" + " places nothing new on it";

    void register(ApiRoutes r) {
        r.add("GET", "/v1/nodes", (c, who, p) -> {
            who.requireAdmin();
            return ServicesApi.items(cluster == null ? List.of(local()) : members());
        });
        r.add("POST", "/v1/nodes/{name}/drain", (c, who, p) -> {
            who.requireAdmin();
            if (cluster == null) {
                throw ApiException.conflict("drain needs cluster mode (wisp up --etcd): this host is the only node");
            }
            String name = p.get("name");
            boolean changed;
            try {
                changed = Membership.drain(cluster.store(), name, cluster.nodeName(), InstantSource.system());
            } catch (IllegalArgumentException e) {
                throw ApiException.notFound(e.getMessage());
            }
            return Reply.json(202, Map.of("name", name, "state", "draining", "changed", changed, "note", DRAIN_NOTE));
        });
    }

    /** This node's record in the cluster, with its current figures. */
    static NodeRecord record(ClusterSetup cluster, Node node, VmRuntime runtime, int apiPort, String startedAt) {
        NodeCapacity cap = node.capacity();
        String version = NodesApi.class.getPackage().getImplementationVersion();
        return new NodeRecord(
                cluster.nodeName(),
                cluster.advertise(),
                apiPort,
                node.routerPort(),
                cap.vcpus(),
                Shapes.mib(cap.memoryLimitMiB()),
                cap.allocatedVcpus(),
                Shapes.mib(cap.allocatedMemoryMiB()),
                cap.running(),
                cap.paused(),
                cap.snapshotted(),
                runtime.accelerator().toString(),
                version == null ? "dev" : version,
                startedAt,
                null,
                serviceKeys(node));
    }

    /** The node's service keys with the instances that take a request at once (placement reads them). */
    private static Map<String, Integer> serviceKeys(Node node) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (ServiceStatus st : node.services()) {
            if (NodeKeys.isControlKey(st.name())) {
                out.put(st.name(), NodeDeployments.reachable(st));
            }
        }
        // A standby replica: the key's warm template is here, no instance (placement prefers it).
        node.heldTemplates().forEach(k -> out.putIfAbsent(k, 0));
        return out;
    }

    private Shapes.NodeView local() {
        NodeCapacity cap = node.capacity();
        return new Shapes.NodeView(
                "local",
                new Shapes.NodeCapacityView(cap.vcpus(), Shapes.mib(cap.memoryMiB()), Shapes.mib(cap.memoryLimitMiB())),
                new Resources(cap.allocatedVcpus(), Shapes.mib(cap.allocatedMemoryMiB())),
                new Shapes.TierCounts(cap.running(), cap.paused(), cap.snapshotted()),
                cap.refusals(),
                "http://localhost:" + node.routerPort());
    }

    private List<Shapes.NodeView> members() {
        List<Shapes.NodeView> out = new ArrayList<>();
        for (Member m : Membership.list(cluster.store())) {
            NodeRecord n = m.node();
            boolean self = n.name().equals(cluster.nodeName());
            String host = n.address().contains(":") ? "[" + n.address() + "]" : n.address();
            out.add(new Shapes.NodeView(
                    n.name(),
                    new Shapes.NodeCapacityView(n.vcpus(), n.memoryMiB(), n.memoryMiB()),
                    new Resources(n.usedVcpus(), n.usedMemoryMiB()),
                    new Shapes.TierCounts(n.running(), n.paused(), n.snapshotted()),
                    self ? node.capacity().refusals() : 0,
                    "http://" + host + ":" + n.routerPort(),
                    m.state().label(),
                    m.leader(),
                    "http://" + host + ":" + n.apiPort(),
                    n.heartbeatAt()));
        }
        return out;
    }
}
