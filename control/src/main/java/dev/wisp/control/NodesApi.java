package dev.wisp.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("name", "local");
            ObjectNode capacity = n.putObject("capacity");
            capacity.put("vcpus", cap.vcpus());
            capacity.put("memoryMiB", cap.memoryMiB());
            capacity.put("memoryLimitMiB", cap.memoryLimitMiB());
            ObjectNode allocated = n.putObject("allocated");
            allocated.put("vcpus", cap.allocatedVcpus());
            allocated.put("memoryMiB", cap.allocatedMemoryMiB());
            ObjectNode instances = n.putObject("instances");
            instances.put("running", cap.running());
            instances.put("paused", cap.paused());
            instances.put("snapshotted", cap.snapshotted());
            n.put("refusals", cap.refusals());
            n.put("routerUrl", "http://localhost:" + node.routerPort());
            return ServicesApi.items(List.of(n));
        });
    }
}
