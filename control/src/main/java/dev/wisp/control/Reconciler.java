package dev.wisp.control;

import dev.wisp.store.StoreException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes the node run what the store says, on one thread: at start (so a restart redeploys
 * everything), on every change of services, revisions, tenants or tokens (store watch) and
 * periodically. Per service it keeps up to three revisions deployed, each as its own node
 * service: the target (newest deploy or rollback), the one serving now, and the one that served
 * before (on standby, for a fast rollback). Traffic moves to the target only once it has an
 * instance: until then requests keep going to the serving one, so a deploy fails no request.
 *
 * <p>A revision whose app cannot start is {@code failed} after {@link #FAILED_AFTER} failed
 * starts in a row with no instance ever started (the node backs off between them: 1 s, 2 s, 4 s
 * ... 5 min), each failed start an event and the last one's reason and console on the revision.
 * If another revision serves, the target goes back to it and the failed one is stopped; if none
 * does, the failed revision stays deployed and the node keeps retrying with back-off, answering
 * requests 503 at once with the reason, and a start that succeeds makes it serve after all.
 *
 * <p>This class runs the passes; {@link RevisionSwitch} does one service's part of a pass, {@link
 * NodeDeployments} deploys and removes node services, {@link StartReports} reports failed starts
 * and {@link RevisionStates} writes the records.
 */
final class Reconciler implements Reconciling, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
    /** How long a new revision may take to get its first instance before it is marked failed. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** Failed starts in a row, with none ever successful, after which a revision is failed. */
    static final int FAILED_AFTER = 3;
    /** Passes come this often while a switch is pending. */
    private static final long FAST_MS = 200;

    private final ControlMetrics metrics;
    private final Registry registry;
    private final TenantRouting routing;
    private final Deployments deployments;
    private final RoutesSink published;
    private final StartReports starts;
    private final RevisionSwitch services;
    private final TenantLimits tenantLimits;
    private final Duration interval;
    private final PassLoop loop = new PassLoop("reconcile", "wisp-reconcile", this::timedPass);

    Reconciler(
            Registry registry,
            TenantLimits tenantLimits,
            Deployments deployments,
            TenantRouting routing,
            EventLog events,
            InstantSource clock,
            Duration interval,
            ControlMetrics metrics,
            RoutesSink published) {
        this.metrics = metrics;
        this.published = published;
        this.registry = registry;
        this.routing = routing;
        this.tenantLimits = tenantLimits;
        this.deployments = deployments;
        RevisionStates states = new RevisionStates(registry, events, deployments);
        this.starts = new StartReports(events, deployments, states);
        this.services = new RevisionSwitch(registry, routing, clock, deployments, starts, states);
        this.interval = interval;
    }

    void start() {
        List<String> prefixes =
                new ArrayList<>(List.of(Registry.SERVICES, Registry.REVISIONS, Registry.TENANTS, Registry.TOKENS));
        prefixes.addAll(deployments.watchPrefixes());
        loop.start(registry.store(), prefixes, interval).join();
    }

    /** Asks for a pass soon; passes asked for while one waits are merged into it. */
    @Override
    public CompletableFuture<Void> trigger() {
        return loop.trigger();
    }

    /** Waits (bounded) for a pass that started after this call. */
    @Override
    public void reconcileNow(Duration timeout) {
        try {
            trigger().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "waiting for a reconcile pass: " + e);
        }
    }

    private void timedPass() {
        long t0 = System.nanoTime();
        boolean failed = true;
        try {
            pass();
            failed = false;
        } finally {
            metrics.reconciled(System.nanoTime() - t0, failed);
        }
    }

    private void pass() {
        publishTokens();
        tenantLimits.apply(registry.tenants());
        Set<String> desired = new HashSet<>();
        Map<String, String> routes = new HashMap<>();
        Map<String, TenantRouting.Target> targets = new HashMap<>();
        boolean switching = false;
        for (ServiceRecord s : registry.allServices()) {
            try {
                switching |= services.reconcile(s, desired, routes, targets);
            } catch (StoreException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "reconciling " + s.tenant() + "/" + s.name() + ": " + e);
            }
        }
        routing.publish(routes, targets);
        published.publish(routes, targets);
        removeUndesired(desired);
        if (switching) {
            loop.triggerAfter(FAST_MS);
        }
    }

    private void publishTokens() {
        publishTokens(registry, routing);
    }

    /** Gives the router's gate every API token's owner (each cluster node does this for itself). */
    static void publishTokens(Registry registry, TenantRouting routing) {
        Map<String, TenantRouting.TokenOwner> owners = new HashMap<>();
        for (TokenRecord t : registry.list(Registry.TOKENS, TokenRecord.class)) {
            owners.put(t.hash(), new TenantRouting.TokenOwner(t.tenant(), t.admin()));
        }
        routing.publishTokens(owners);
    }

    /** Told the routing table after each pass: cluster mode stores it for every node's router. */
    @FunctionalInterface
    interface RoutesSink {
        RoutesSink NONE = (routes, targets) -> {};

        void publish(Map<String, String> routes, Map<String, TenantRouting.Target> targets);
    }

    /** Removes node services no service wants any more, in parallel, and waits for them. */
    private void removeUndesired(Set<String> desired) {
        deployments.removeUndesired(desired, () -> starts.retain(desired));
    }

    @Override
    public void close() {
        loop.close(false);
    }
}
