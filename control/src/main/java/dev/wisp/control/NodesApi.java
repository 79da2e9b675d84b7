package dev.wisp.control;

import dev.wisp.node.Node;
import dev.wisp.node.NodeCapacity;
import java.util.List;

/**
 * {@code GET /v1/nodes}: this host's size and what its instances hold. Admin only (a tenant token
 * gets 404, as on other admin routes): the allocation and instance counts are every tenant's.
 */
final class NodesApi {
    private final Node node;

    NodesApi(Node node) {
        this.node = node;
    }

    void register(ApiRoutes r) {
        r.add("GET", "/v1/nodes", (c, who, p) -> {
            who.requireAdmin();
            NodeCapacity cap = node.capacity();
            Shapes.NodeView n = new Shapes.NodeView(
                    "local",
                    new Shapes.NodeCapacityView(
                            cap.vcpus(), Shapes.mib(cap.memoryMiB()), Shapes.mib(cap.memoryLimitMiB())),
                    new Resources(cap.allocatedVcpus(), Shapes.mib(cap.allocatedMemoryMiB())),
                    new Shapes.TierCounts(cap.running(), cap.paused(), cap.snapshotted()),
                    cap.refusals(),
                    "http://localhost:" + node.routerPort());
            return ServicesApi.items(List.of(n));
        });
    }
}
