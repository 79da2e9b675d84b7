package dev.wisp.control;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One service's part of a {@link Reconciler} pass: keeps its target, serving and previous
 * revisions deployed, routes traffic to the target once it has an instance (to the serving one
 * until then), fails a target that does not get ready in time, and brings the revisions' states
 * up to date.
 */
record RevisionSwitch(
        Registry registry,
        TenantRouting routing,
        InstantSource clock,
        Deployments deployments,
        StartReports starts,
        RevisionStates states) {
    /**
     * Adds the service's node keys to {@code desired}, its route to {@code routes} and its keys'
     * owners to {@code targets}. Returns true while the service waits for a revision to become
     * ready.
     */
    boolean reconcile(
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
            deployments.ensureDeployed(s, revs.get(n), key);
            starts.observe(s, revs.get(n), key);
        }
        String current = routing.current(s.tenant(), s.name());
        if (current != null && !keys.containsValue(current)) {
            if (deployments.deployed(current) && keys.containsKey(s.targetRevision())) {
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
        String deployFailure = targetKey == null ? null : deployments.deployFailure(targetKey);
        if (deployFailure != null) {
            states.fail(s, revs.get(target), deployFailure);
            targetKey = null;
        }
        if (targetKey != null) {
            boolean ready = deployments.hasInstance(targetKey);
            if (!targetKey.equals(current) && (current == null || ready)) {
                current = targetKey; // nothing else to serve from: requests wait for the first instance
            }
            RevisionRecord tr = revs.get(target);
            if (!ready && tr != null && !"failed".equals(tr.state())) {
                waiting = true;
                Instant since = deployments.deployedAt(targetKey);
                if (since != null && clock.instant().isAfter(since.plus(Reconciler.READY_TIMEOUT))) {
                    RevisionRecord.Failure last = tr.failure();
                    states.fail(
                            s,
                            tr,
                            "no instance became ready within " + Reconciler.READY_TIMEOUT.toSeconds() + " s"
                                    + (last == null ? "" : "; last start failed: " + last.reason()));
                    waiting = false;
                }
            }
        }
        if (current != null) {
            routes.put(s.tenant() + "/" + s.name(), current);
            routing.route(s.tenant(), s.name(), current, s.isPrivate());
            int routed = revisionOf(keys, current);
            if (routed == target && s.servingRevision() != target && deployments.hasInstance(current)) {
                states.markServing(s, target);
            }
        }
        states.updateStates(s, revs, keys, current);
        return waiting;
    }

    private static int revisionOf(Map<Integer, String> keys, String key) {
        return keys.entrySet().stream()
                .filter(e -> e.getValue().equals(key))
                .mapToInt(Map.Entry::getKey)
                .findFirst()
                .orElse(0);
    }
}
