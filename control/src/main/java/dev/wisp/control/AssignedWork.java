package dev.wisp.control;

import dev.wisp.cluster.Assignment;
import dev.wisp.cluster.Assignments;
import dev.wisp.cluster.ClusterKeys;
import dev.wisp.cluster.Membership;
import dev.wisp.store.KeyValue;
import dev.wisp.store.StateStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What every cluster node does for itself, leader or not, on one thread: runs the service keys
 * assigned to it ({@code /cluster/assign/<self>/}), fetching an image it lacks from a node that
 * has it, and removes the ones no longer assigned; holds the warm templates of the keys it is
 * the standby replica of (assignments with no instance); keeps its router's routing table (written by
 * the leader) and token owners current; and tells its router where the keys it does not run
 * live ({@link RemoteServices}). Runs on every change of those keys and every second.
 */
final class AssignedWork implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AssignedWork.class.getName());
    private static final Duration EVERY = Duration.ofSeconds(1);
    /** A failed deploy of an assigned key is tried again after this long. */
    private static final long RETRY_NANOS = 10_000_000_000L;

    /** The routing table as stored at {@link ClusterKeys#ROUTES}. */
    record RoutingTable(Map<String, String> routes, Map<String, TenantRouting.Target> targets) {}

    private final StateStore store;
    private final Registry registry;
    private final String self;
    private final NodeDeployments deployments;
    private final TenantRouting routing;
    private final RemoteServices remote;
    private final ImageFetch images;
    private final BooleanSupplier leads;
    private final BooleanSupplier fenced;
    private final Map<String, Long> retryAt = new java.util.HashMap<>();
    private final PassLoop loop;

    AssignedWork(
            StateStore store,
            String self,
            NodeDeployments deployments,
            TenantRouting routing,
            RemoteServices remote,
            ImageFetch images,
            BooleanSupplier leads,
            BooleanSupplier fenced) {
        this.store = store;
        this.registry = new Registry(store, java.time.InstantSource.system());
        this.self = self;
        this.deployments = deployments;
        this.routing = routing;
        this.remote = remote;
        this.images = images;
        this.leads = leads;
        this.fenced = fenced;
        this.loop = new PassLoop("node " + self + ": assigned work", "wisp-assigned", this::pass);
    }

    void start() {
        loop.start(store, List.of(ClusterKeys.ASSIGN, ClusterKeys.ROUTES, ClusterKeys.NODES, Registry.TOKENS), EVERY);
    }

    private void pass() {
        if (fenced.getAsBoolean()) {
            return; // cut off from etcd: the fence stopped what ran here; nothing starts until it lifts
        }
        Optional<KeyValue> table = store.get(ClusterKeys.ROUTES);
        if (table.isPresent() && !leads.getAsBoolean()) {
            // The leader's own reconciler moves its routing; everyone else takes the stored table.
            RoutingTable t = Assignments.decode(table.get().value(), RoutingTable.class);
            routing.publish(t.routes(), t.targets());
        }
        Reconciler.publishTokens(registry, routing);
        Map<String, Assignment> mine = Assignments.of(store, self);
        Set<String> running = new HashSet<>();
        Set<String> standby = new HashSet<>();
        for (Assignment a : mine.values()) {
            (a.standby() ? standby : running).add(a.key());
        }
        // Instances first: a failover placed here must not wait behind a standby's image fetch.
        for (String key : running) {
            run(mine.get(key));
        }
        for (String key : standby) {
            hold(mine.get(key));
        }
        remote.refresh(Assignments.all(store), Membership.list(store));
        retryAt.keySet().retainAll(running);
        deployments.removeUndesired(running, () -> {});
        deployments.keepTemplates(standby);
    }

    /** A standby replica: the key's image here and its warm template held (built in the background). */
    private void hold(Assignment a) {
        if (deployments.deployed(a.key()) || deployments.holdsTemplate(a.key())) {
            return; // held already, or removed by this pass's removeUndesired and held on the next
        }
        Optional<Records> rec = records(a);
        if (rec.isPresent() && !fenced.getAsBoolean()) {
            deployments.holdTemplate(rec.get().service(), rec.get().revision(), a.key());
        }
    }

    private record Records(ServiceRecord service, RevisionRecord revision) {}

    /** The records the assignment names, with its image here; empty if not (yet) there. */
    private Optional<Records> records(Assignment a) {
        Optional<ServiceRecord> s = registry.service(a.tenant(), a.service());
        Optional<RevisionRecord> r = registry.revision(a.tenant(), a.service(), a.revision());
        if (s.isEmpty() || r.isEmpty() || s.get().generation() != a.generation()) {
            return Optional.empty(); // the leader places the service's current settings next
        }
        if (!images.ensure(r.get().image())) {
            return Optional.empty();
        }
        return Optional.of(new Records(s.get(), r.get()));
    }

    private void run(Assignment a) {
        if (deployments.deployed(a.key())) {
            return;
        }
        Optional<Records> rec = records(a);
        if (rec.isEmpty()) {
            return;
        }
        Long after = retryAt.get(a.key());
        if (after != null && System.nanoTime() - after > 0) {
            deployments.retry(a.key()); // a deploy refused (say, memory taken meanwhile) is tried again
        }
        retryAt.put(a.key(), System.nanoTime() + RETRY_NANOS);
        if (fenced.getAsBoolean()) {
            return; // cut off while this pass read the assignments
        }
        deployments.ensureDeployed(rec.get().service(), rec.get().revision(), a.key(), a.instances());
    }

    @Override
    public void close() {
        loop.close(true);
    }
}
