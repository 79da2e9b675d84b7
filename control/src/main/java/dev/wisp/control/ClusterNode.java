package dev.wisp.control;

import dev.wisp.common.Closing;
import dev.wisp.image.ImageStore;
import dev.wisp.node.Node;
import dev.wisp.router.RequestGate;
import dev.wisp.store.StateStore;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A control plane's parts that exist only in cluster mode, apart from membership and election:
 * its router's gate (the hop between nodes), the directory of services other nodes run, and the
 * loop that runs what placement assigned here ({@link AssignedWork}).
 */
final class ClusterNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());
    private final ClusterSetup cluster;
    private final TenantRouting routing;
    private final AtomicReference<Node> node = new AtomicReference<>();
    private final RemoteServices remote;
    private final ClusterGate gate;
    private AssignedWork work;
    private CutOffFence fence;

    ClusterNode(ClusterSetup cluster, TenantRouting routing) {
        this.cluster = cluster;
        this.routing = routing;
        this.remote = new RemoteServices(key -> routing.owner(key) != null);
        this.gate = new ClusterGate(routing, cluster.nodeName(), key -> {
            Node n = node.get();
            return n != null && n.serves(key);
        });
    }

    RequestGate gate() {
        return gate;
    }

    /**
     * Starts running this node's assignments and forwarding what runs elsewhere.
     *
     * @param cutOff whether etcd confirmed none of this node's keep-alives within the lease ttl
     */
    void start(
            Node n, NodeSpecs specs, StateStore store, Path adminToken, BooleanSupplier leads, BooleanSupplier cutOff) {
        node.set(n);
        n.forwardUnknown(remote);
        ImageStore images = specs.images();
        NodeDeployments deployments = new NodeDeployments(n, specs, InstantSource.system());
        fence = CutOffFence.start(
                cluster.nodeName(), cutOff, () -> deployments.removeUndesired(java.util.Set.of(), () -> {}));
        work = new AssignedWork(
                store,
                cluster.nodeName(),
                deployments,
                routing,
                remote,
                new ImageFetch(store, images, cluster.nodeName(), adminToken),
                leads,
                fence::fenced);
        work.start();
    }

    @Override
    public void close() {
        Closing.quietly(LOG, fence, work);
    }
}
