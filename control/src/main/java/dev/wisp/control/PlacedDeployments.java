package dev.wisp.control;

import dev.wisp.cluster.Assignment;
import dev.wisp.cluster.Assignments;
import dev.wisp.cluster.ClusterKeys;
import dev.wisp.cluster.Member;
import dev.wisp.cluster.Membership;
import dev.wisp.cluster.NodeRecord;
import dev.wisp.cluster.Placement;
import dev.wisp.node.Node;
import dev.wisp.node.ServiceStatus;
import dev.wisp.store.StateStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster leader's {@link Deployments}: a pass collects what each service wants, and its end
 * places the lot ({@link Placement}) on the nodes the membership lists and writes the outcome as
 * assignments through the leader's fenced store; each node runs its own ({@link AssignedWork}).
 * Whether a key has an instance is read from the nodes' records, which list their keys.
 */
final class PlacedDeployments implements Deployments {
    private static final System.Logger LOG = System.getLogger(PlacedDeployments.class.getName());
    /** The nodes' records are read again after this long within a pass. */
    private static final long MEMBERS_FRESH_NANOS = 250_000_000L;

    private final StateStore fenced;
    private final Node node;
    private final InstantSource clock;
    private final Placement placement = new Placement();
    private final Map<String, Placement.Want> wants = new LinkedHashMap<>();
    private final Map<String, Assignment> meta = new HashMap<>();
    private final Map<String, Instant> deployedAt = new ConcurrentHashMap<>();
    private volatile Map<String, String> refused = Map.of();
    private volatile Set<String> placed = Set.of();
    /** Keys placed at some time in this term (or found assigned at its start). */
    private final Set<String> everPlaced = ConcurrentHashMap.newKeySet();

    private List<Member> members = List.of();
    private long membersAt;

    /**
     * @param fenced the leader's fenced view of the store
     * @param node this host's node (the status of keys placed here)
     */
    PlacedDeployments(StateStore fenced, Node node, InstantSource clock) {
        this.fenced = fenced;
        this.node = node;
        this.clock = clock;
    }

    @Override
    public void ensureDeployed(ServiceRecord s, RevisionRecord r, String key) {
        Resources res = r.resources();
        int instances = Math.max(1, Math.max(s.scaling().min(), s.scaling().initial()));
        Set<String> warm = new HashSet<>();
        for (Member m : members()) {
            if (m.state() != Member.State.LOST && m.node().services().containsKey(key)) {
                warm.add(m.node().name());
            }
        }
        // A service with volumes has no warm template (its clones would share the disks): no standby.
        boolean standby = r.volumesOrNone().isEmpty();
        wants.put(key, new Placement.Want(key, res.vcpus(), res.memoryMiB(), instances, warm, standby));
        meta.put(key, new Assignment(key, 1, s.tenant(), s.name(), r.number(), s.generation()));
        deployedAt.putIfAbsent(key, clock.instant());
    }

    /**
     * A key never placed that does not fit is refused (its revision fails with the numbers); one
     * that ran and lost its node waits for room instead, so a serving revision is not failed by
     * a node's death.
     */
    @Override
    public String deployFailure(String key) {
        return placed.contains(key) || everPlaced.contains(key) ? null : refused.get(key);
    }

    @Override
    public Instant deployedAt(String key) {
        return deployedAt.get(key);
    }

    @Override
    public boolean hasInstance(String key) {
        for (Member m : members()) {
            if (m.state() != Member.State.LOST && m.node().services().getOrDefault(key, 0) > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean deployed(String key) {
        return placed.contains(key);
    }

    @Override
    public Optional<ServiceStatus> status(String key) {
        return node.status(key);
    }

    @Override
    public void removeUndesired(Set<String> desired, Runnable forget) {
        members = Membership.list(fenced);
        membersAt = System.nanoTime();
        List<Placement.NodeRoom> rooms = new ArrayList<>();
        for (Member m : members) {
            NodeRecord n = m.node();
            rooms.add(new Placement.NodeRoom(n.name(), n.vcpus(), n.memoryMiB(), m.state() == Member.State.READY));
        }
        List<Placement.Want> list = new ArrayList<>();
        wants.forEach((k, w) -> {
            if (desired.contains(k)) {
                list.add(w);
            }
        });
        list.sort(Placement.biggestFirst());
        Map<String, Map<String, Assignment>> byNode = new TreeMap<>();
        Map<String, Map<String, Integer>> current = Assignments.byKey(Assignments.all(fenced));
        everPlaced.addAll(current.keySet());
        Placement.Plan plan = placement.place(rooms, list, current);
        plan.assigned()
                .forEach((key, on) -> on.forEach((n, count) -> {
                    Assignment a = meta.get(key);
                    byNode.computeIfAbsent(n, x -> new TreeMap<>())
                            .put(
                                    key,
                                    new Assignment(key, count, a.tenant(), a.service(), a.revision(), a.generation()));
                }));
        plan.standby().forEach((key, n) -> {
            Assignment a = meta.get(key);
            byNode.computeIfAbsent(n, x -> new TreeMap<>())
                    .put(key, new Assignment(key, 0, a.tenant(), a.service(), a.revision(), a.generation()));
        });
        int changed = Assignments.write(fenced, byNode);
        if (changed > 0) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "placement: {0} assignment(s) written; {1} service key(s) placed, {2} standby replica(s)",
                    changed,
                    plan.assigned().size(),
                    plan.standby().size());
        }
        plan.refused().forEach((key, why) -> LOG.log(System.Logger.Level.WARNING, key + ": " + why));
        refused = Map.copyOf(plan.refused());
        placed = Set.copyOf(plan.assigned().keySet());
        everPlaced.addAll(placed);
        everPlaced.retainAll(desired);
        deployedAt.keySet().retainAll(desired);
        wants.clear();
        meta.clear();
        forget.run();
    }

    @Override
    public List<String> watchPrefixes() {
        // A node lost, drained or joined changes where things go: place again at once.
        return List.of(ClusterKeys.NODES, ClusterKeys.DRAINING);
    }

    private List<Member> members() {
        if (System.nanoTime() - membersAt > MEMBERS_FRESH_NANOS) {
            members = Membership.list(fenced);
            membersAt = System.nanoTime();
        }
        return members;
    }
}
