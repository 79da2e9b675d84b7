package dev.wisp.control;

import dev.wisp.node.Node;
import dev.wisp.node.ServiceStatus;
import dev.wisp.store.StoreException;
import dev.wisp.store.Watch;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
 */
final class Reconciler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
    /** How long a new revision may take to get its first instance before it is marked failed. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** Failed starts in a row, with none ever successful, after which a revision is failed. */
    static final int FAILED_AFTER = 3;
    /** Passes come this often while a switch is pending. */
    private static final long FAST_MS = 200;

    private final ControlMetrics metrics;
    private final Registry registry;
    private final Node node;
    private final NodeSpecs specs;
    private final TenantRouting routing;
    private final EventLog events;
    private final InstantSource clock;
    private final long intervalMs;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wisp-reconcile");
        t.setDaemon(true);
        return t;
    });
    /** Node keys deployed by this process, and when (for the ready timeout). */
    private final Map<String, Instant> deployedAt = new ConcurrentHashMap<>();

    private final Map<String, String> failedKeys = new ConcurrentHashMap<>();
    /** Per node key, the failed starts in a row already reported (events, the revision's failure). */
    private final Map<String, Integer> seenFailures = new ConcurrentHashMap<>();

    private final AtomicReference<CompletableFuture<Void>> pending = new AtomicReference<>();
    private final List<Watch> watches = new ArrayList<>();
    private volatile boolean closed;
    private volatile long lastPass;

    Reconciler(
            Registry registry,
            Node node,
            NodeSpecs specs,
            TenantRouting routing,
            EventLog events,
            InstantSource clock,
            Duration interval,
            ControlMetrics metrics) {
        this.metrics = metrics;
        this.registry = registry;
        this.node = node;
        this.specs = specs;
        this.routing = routing;
        this.events = events;
        this.clock = clock;
        this.intervalMs = interval.toMillis();
    }

    void start() {
        long from = registry.store().revision() + 1;
        for (String prefix : List.of(Registry.SERVICES, Registry.REVISIONS, Registry.TENANTS, Registry.TOKENS)) {
            watches.add(registry.store().watch(prefix, from, e -> trigger()));
        }
        trigger().join();
        loop.scheduleWithFixedDelay(this::periodic, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void periodic() {
        if (System.nanoTime() - lastPass >= TimeUnit.MILLISECONDS.toNanos(intervalMs - 50)) {
            trigger();
        }
    }

    /** Asks for a pass soon; passes asked for while one waits are merged into it. */
    CompletableFuture<Void> trigger() {
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> existing = pending.compareAndExchange(null, fresh);
        if (existing != null) {
            return existing;
        }
        if (closed) {
            fresh.complete(null);
            return fresh;
        }
        try {
            loop.execute(() -> {
                CompletableFuture<Void> mine = pending.getAndSet(null);
                long t0 = System.nanoTime();
                boolean failed = false;
                try {
                    pass();
                } catch (RuntimeException e) {
                    failed = true;
                    if (!closed) {
                        LOG.log(System.Logger.Level.WARNING, "reconcile pass failed: " + e);
                    }
                } finally {
                    metrics.reconciled(System.nanoTime() - t0, failed);
                    if (mine != null) {
                        mine.complete(null);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            pending.set(null);
            fresh.complete(null); // closing
        }
        return fresh;
    }

    /** Waits (bounded) for a pass that started after this call. */
    void reconcileNow(Duration timeout) {
        try {
            trigger().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "waiting for a reconcile pass: " + e);
        }
    }

    private void pass() {
        lastPass = System.nanoTime();
        if (closed) {
            return;
        }
        publishTokens();
        Set<String> desired = new HashSet<>();
        Map<String, String> routes = new HashMap<>();
        Map<String, TenantRouting.Target> targets = new HashMap<>();
        boolean switching = false;
        for (ServiceRecord s : registry.allServices()) {
            try {
                switching |= reconcile(s, desired, routes, targets);
            } catch (StoreException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "reconciling " + s.tenant() + "/" + s.name() + ": " + e);
            }
        }
        routing.publish(routes, targets);
        removeUndesired(desired);
        if (switching && !closed) {
            loop.schedule(this::trigger, FAST_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void publishTokens() {
        Map<String, TenantRouting.TokenOwner> owners = new HashMap<>();
        for (TokenRecord t : registry.list(Registry.TOKENS, TokenRecord.class)) {
            owners.put(t.hash(), new TenantRouting.TokenOwner(t.tenant(), t.admin()));
        }
        routing.publishTokens(owners);
    }

    /** Returns true while the service waits for a revision to become ready. */
    private boolean reconcile(
            ServiceRecord s,
            Set<String> desired,
            Map<String, String> routes,
            Map<String, TenantRouting.Target> targets) {
        Map<Integer, RevisionRecord> revs = new HashMap<>();
        for (RevisionRecord r : registry.revisions(s.tenant(), s.name())) {
            revs.put(r.number(), r);
        }
        Set<Integer> keep = new LinkedHashSet<>();
        for (int n : new int[] {s.targetRevision(), s.servingRevision(), s.previousRevision()}) {
            RevisionRecord r = revs.get(n);
            // A failed target stays deployed (retrying with back-off, answering 503 with its
            // reason) while no other revision can serve instead.
            boolean onlyOne = n == s.targetRevision() && (s.servingRevision() == 0 || s.servingRevision() == n);
            if (r != null && (!"failed".equals(r.state()) || onlyOne)) {
                keep.add(n);
            }
        }
        Map<Integer, String> keys = new HashMap<>();
        for (int n : keep) {
            String key = NodeKeys.key(s.tenant(), s.name(), n, s.generation());
            keys.put(n, key);
            desired.add(key);
            targets.put(key, new TenantRouting.Target(s.tenant(), s.name(), s.isPrivate()));
            ensureDeployed(s, revs.get(n), key);
            observeStarts(s, revs.get(n), key);
        }
        String current = routing.current(s.tenant(), s.name());
        if (current != null && !keys.containsValue(current)) {
            if (node.status(current).isPresent() && keys.containsKey(s.targetRevision())) {
                // New settings gave the revisions new keys: the old node service keeps serving
                // until the new target has an instance, then goes.
                desired.add(current);
                targets.put(current, new TenantRouting.Target(s.tenant(), s.name(), s.isPrivate()));
            } else {
                current = null; // its revision was retired
            }
        }
        if (current == null && s.servingRevision() != 0 && keys.containsKey(s.servingRevision())) {
            current = keys.get(s.servingRevision()); // after a restart: what served before
        }
        int target = s.targetRevision();
        String targetKey = keys.get(target);
        boolean waiting = false;
        if (targetKey != null && failedKeys.containsKey(targetKey)) {
            fail(s, revs.get(target), failedKeys.get(targetKey));
            targetKey = null;
        }
        if (targetKey != null) {
            boolean ready = hasInstance(targetKey);
            if (!targetKey.equals(current) && (current == null || ready)) {
                current = targetKey; // nothing else to serve from: requests wait for the first instance
            }
            RevisionRecord tr = revs.get(target);
            if (!ready && tr != null && !"failed".equals(tr.state())) {
                waiting = true;
                Instant since = deployedAt.get(targetKey);
                if (since != null && clock.instant().isAfter(since.plus(READY_TIMEOUT))) {
                    RevisionRecord.Failure last = tr.failure();
                    fail(
                            s,
                            tr,
                            "no instance became ready within " + READY_TIMEOUT.toSeconds() + " s"
                                    + (last == null ? "" : "; last start failed: " + last.reason()));
                    waiting = false;
                }
            }
        }
        if (current != null) {
            routes.put(s.tenant() + "/" + s.name(), current);
            routing.route(s.tenant(), s.name(), current, s.isPrivate());
            int routed = revisionOf(keys, current);
            if (routed == target && s.servingRevision() != target && hasInstance(current)) {
                markServing(s, target);
            }
        }
        updateStates(s, revs, keys, current);
        return waiting;
    }

    /**
     * Reports the node's failed starts of a revision: an event for each, the last one on the
     * revision record, and the revision failed after {@link #FAILED_AFTER} in a row with none
     * ever successful. A start that succeeds clears the record's failure.
     */
    private void observeStarts(ServiceRecord s, RevisionRecord r, String key) {
        Optional<ServiceStatus> st = node.status(key);
        if (st.isEmpty()) {
            return;
        }
        ServiceStatus.StartFailure f = st.get().failure();
        if (f == null) {
            seenFailures.remove(key);
            if (r.failure() != null && hasInstance(key)) {
                writeFailure(s, r.number(), null);
            }
            return;
        }
        if (f.attempts() <= seenFailures.getOrDefault(key, 0)) {
            return;
        }
        seenFailures.put(key, f.attempts());
        RevisionRecord.Failure failure = new RevisionRecord.Failure(
                f.reason(),
                f.console(),
                f.at().toString(),
                f.attempts(),
                f.retryAt().toString());
        writeFailure(s, r.number(), failure);
        long nextS = Math.max(1, (Duration.between(f.at(), f.retryAt()).toMillis() + 999) / 1000);
        events.append(
                s.tenant(),
                "revision.start_failed",
                s.name(),
                null,
                "revision " + r.number() + ": start " + f.attempts() + " in a row failed, next try in " + nextS + " s: "
                        + f.reason());
        if (f.attempts() >= FAILED_AFTER && !f.everReady()) {
            fail(s, r, f.attempts() + " starts failed in a row: " + f.reason());
        }
    }

    private void writeFailure(ServiceRecord s, int number, RevisionRecord.Failure failure) {
        String rk = Registry.revisionKey(s.tenant(), s.name(), number);
        registry.write(tx -> {
            tx.get(rk, RevisionRecord.class).ifPresent(x -> tx.put(rk, x.withFailure(failure)));
            return null;
        });
    }

    private static int revisionOf(Map<Integer, String> keys, String key) {
        return keys.entrySet().stream()
                .filter(e -> e.getValue().equals(key))
                .mapToInt(Map.Entry::getKey)
                .findFirst()
                .orElse(0);
    }

    private void ensureDeployed(ServiceRecord s, RevisionRecord r, String key) {
        if (node.status(key).isPresent() || failedKeys.containsKey(key)) {
            return;
        }
        try {
            node.deploy(specs.spec(key, s, r));
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

    /** Whether the node service has an instance that is up or asleep (a request wakes it at once). */
    private boolean hasInstance(String key) {
        Optional<ServiceStatus> st = node.status(key);
        return st.isPresent()
                && st.get().instances().stream()
                        .anyMatch(i -> i.port() > 0
                                || (!i.busy() && ("paused".equals(i.tier()) || "snapshotted".equals(i.tier()))));
    }

    private void markServing(ServiceRecord s, int target) {
        registry.write(tx -> {
            Optional<ServiceRecord> now = tx.get(Registry.serviceKey(s.tenant(), s.name()), ServiceRecord.class);
            if (now.isEmpty()
                    || now.get().targetRevision() != target
                    || now.get().servingRevision() == target) {
                return null;
            }
            int old = now.get().servingRevision();
            tx.put(
                    Registry.serviceKey(s.tenant(), s.name()),
                    now.get().withServing(target, old != 0 ? old : now.get().previousRevision()));
            return null;
        });
        events.append(s.tenant(), "revision.serving", s.name(), null, "revision " + target + " takes the traffic");
    }

    /** Marks the revision failed (once: a failed one stays as it is) and moves the target back to what serves. */
    private void fail(ServiceRecord s, RevisionRecord r, String why) {
        if (r == null) {
            return;
        }
        boolean changed = registry.write(tx -> {
            String rk = Registry.revisionKey(s.tenant(), s.name(), r.number());
            Optional<RevisionRecord> now = tx.get(rk, RevisionRecord.class).filter(x -> !"failed".equals(x.state()));
            now.ifPresent(x -> tx.put(rk, x.withState("failed", why)));
            Optional<ServiceRecord> svc = tx.get(Registry.serviceKey(s.tenant(), s.name()), ServiceRecord.class);
            svc.filter(x -> x.targetRevision() == r.number()
                            && x.servingRevision() != 0
                            && x.servingRevision() != r.number())
                    .ifPresent(
                            x -> tx.put(Registry.serviceKey(s.tenant(), s.name()), x.withTarget(x.servingRevision())));
            return now.isPresent();
        });
        if (changed) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}/{1} revision {2} failed: {3}",
                    s.tenant(),
                    s.name(),
                    r.number(),
                    why);
            events.append(s.tenant(), "revision.failed", s.name(), null, "revision " + r.number() + ": " + why);
        }
    }

    private void updateStates(
            ServiceRecord s, Map<Integer, RevisionRecord> revs, Map<Integer, String> keys, String current) {
        for (RevisionRecord r : revs.values()) {
            String key = keys.get(r.number());
            if ("failed".equals(r.state()) && (key == null || !hasInstance(key))) {
                continue; // failed stays failed, unless a later start of it succeeded after all
            }
            String state;
            if (key == null) {
                state = "retired";
            } else if (key.equals(current) && hasInstance(key)) {
                state = "serving";
            } else if (hasInstance(key)) {
                state = "ready";
            } else {
                state = "warming";
            }
            if (!state.equals(r.state())) {
                String rk = Registry.revisionKey(s.tenant(), s.name(), r.number());
                boolean recovered = "failed".equals(r.state());
                registry.write(tx -> {
                    tx.get(rk, RevisionRecord.class)
                            .filter(x -> recovered || !"failed".equals(x.state()))
                            .ifPresent(x -> tx.put(rk, x.withState(state, null)));
                    return null;
                });
                if ("ready".equals(state) && "warming".equals(r.state())) {
                    events.append(s.tenant(), "revision.ready", s.name(), null, "revision " + r.number() + " is ready");
                }
            }
        }
    }

    /** Removes node services no service wants any more, in parallel, and waits for them. */
    private void removeUndesired(Set<String> desired) {
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
        seenFailures.keySet().retainAll(desired);
        removals.forEach(f -> {
            try {
                f.get(90, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "removing a node service: " + e);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        watches.forEach(Watch::cancel);
        loop.shutdown();
        try {
            loop.awaitTermination(100, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
