package dev.wisp.control;

import dev.wisp.node.Node;
import dev.wisp.node.ServiceSpec;
import dev.wisp.node.ServiceStatus;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Reconciler}'s hands on this host's node (single-host mode), and each cluster node's
 * hands for what is assigned to it ({@link AssignedWork}): deploys and removes node services, remembers when
 * each was deployed (for the ready timeout) and which deploys failed, and tells whether one has
 * an instance.
 */
final class NodeDeployments implements Deployments {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());

    private final Node node;
    private final NodeSpecs specs;
    private final InstantSource clock;
    /** Node keys deployed by this process, and when (for the ready timeout). */
    private final Map<String, Instant> deployedAt = new ConcurrentHashMap<>();
    /** Node keys whose deploy failed, and why. */
    private final Map<String, String> failedKeys = new ConcurrentHashMap<>();

    NodeDeployments(Node node, NodeSpecs specs, InstantSource clock) {
        this.node = node;
        this.specs = specs;
        this.clock = clock;
    }

    @Override
    public void ensureDeployed(ServiceRecord s, RevisionRecord r, String key) {
        ensureDeployed(s, r, key, 0);
    }

    /**
     * As {@link #ensureDeployed(ServiceRecord, RevisionRecord, String)}, keeping at most {@code
     * share} instances at the minimum and at the start (a cluster node's part of the service);
     * 0 keeps the service's own figures.
     */
    void ensureDeployed(ServiceRecord s, RevisionRecord r, String key, int share) {
        if (node.status(key).isPresent() || failedKeys.containsKey(key)) {
            return;
        }
        try {
            ServiceSpec spec = specs.spec(key, s, r);
            if (share > 0) {
                var scaling = spec.scaling();
                spec = spec.withScaling(scaling.toBuilder()
                        .minInstances(Math.min(scaling.minInstances(), share))
                        .initialScale(Math.min(scaling.initialScale(), share))
                        .build());
            }
            node.deploy(spec);
            deployedAt.put(key, clock.instant());
            LOG.log(
                    System.Logger.Level.INFO,
                    "deployed {0}/{1} revision {2} as {3}",
                    s.tenant(),
                    s.name(),
                    r.number(),
                    key);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.log(
                    System.Logger.Level.WARNING,
                    "deploying " + s.tenant() + "/" + s.name() + " revision " + r.number() + " failed: " + why);
            failedKeys.put(key, why);
        }
    }

    /**
     * Holds the key's warm template without running it (a cluster's standby replica): a later
     * deploy of the key here clones it instead of booting cold.
     */
    void holdTemplate(ServiceRecord s, RevisionRecord r, String key) {
        try {
            node.holdTemplate(specs.spec(key, s, r));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "holding the template of " + key + " failed: " + e.getMessage());
        }
    }

    boolean holdsTemplate(String key) {
        return node.holdsTemplate(key);
    }

    /** Lets go of held templates other than {@code keys}' (see {@link Node#keepTemplates}). */
    void keepTemplates(Set<String> keys) {
        node.keepTemplates(keys);
    }

    /** Why the deploy of this node key failed, or null if it did not. */
    @Override
    public String deployFailure(String key) {
        return failedKeys.get(key);
    }

    /** When this process deployed the node key, or null. */
    @Override
    public Instant deployedAt(String key) {
        return deployedAt.get(key);
    }

    /** Whether the node service has an instance that is up or asleep (a request wakes it at once). */
    @Override
    public boolean hasInstance(String key) {
        return node.status(key).map(st -> reachable(st) > 0).orElse(false);
    }

    /** Instances that take a request at once: up, or asleep and not in a standby step. */
    static int reachable(ServiceStatus st) {
        return (int) st.instances().stream()
                .filter(i ->
                        i.port() > 0 || (!i.busy() && ("paused".equals(i.tier()) || "snapshotted".equals(i.tier()))))
                .count();
    }

    @Override
    public boolean deployed(String key) {
        return node.status(key).isPresent();
    }

    @Override
    public Optional<ServiceStatus> status(String key) {
        return node.status(key);
    }

    /** Forgets a failed deploy, so the next pass tries again (its assignment changed). */
    void retry(String key) {
        failedKeys.remove(key);
    }

    /**
     * Removes node services no service wants any more, in parallel; {@code forget} runs once
     * they are asked to go and before this waits for them.
     */
    @Override
    public void removeUndesired(Set<String> desired, Runnable forget) {
        List<CompletableFuture<Void>> removals = new ArrayList<>();
        for (ServiceStatus st : node.services()) {
            String key = st.name();
            // Only node services this control plane names are its to remove (functions, say, are not).
            if (!desired.contains(key) && NodeKeys.isControlKey(key)) {
                removals.add(CompletableFuture.runAsync(
                        () -> {
                            node.remove(key);
                            deployedAt.remove(key);
                            LOG.log(System.Logger.Level.INFO, "removed node service {0}", key);
                        },
                        r -> Thread.ofVirtual().name("wisp-remove-" + key).start(r)));
            }
        }
        failedKeys.keySet().retainAll(desired);
        forget.run();
        removals.forEach(f -> {
            try {
                f.get(90, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "removing a node service: " + e);
            }
        });
    }
}
