package dev.wisp.control;

import java.util.Map;
import java.util.Optional;

/**
 * The {@link Reconciler}'s writes to revision and service records: a revision's state (warming,
 * ready, serving, retired, failed), its last start failure, and the switch of a service's
 * serving revision, each with its event.
 */
record RevisionStates(Registry registry, EventLog events, Deployments deployments) {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());

    void writeFailure(ServiceRecord s, int number, RevisionRecord.Failure failure) {
        String rk = Registry.revisionKey(s.tenant(), s.name(), number);
        registry.write(tx -> {
            tx.get(rk, RevisionRecord.class).ifPresent(x -> tx.put(rk, x.withFailure(failure)));
            return null;
        });
    }

    void markServing(ServiceRecord s, int target) {
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
    void fail(ServiceRecord s, RevisionRecord r, String why) {
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

    void updateStates(ServiceRecord s, Map<Integer, RevisionRecord> revs, Map<Integer, String> keys, String current) {
        for (RevisionRecord r : revs.values()) {
            String key = keys.get(r.number());
            if ("failed".equals(r.state()) && (key == null || !deployments.hasInstance(key))) {
                continue; // failed stays failed, unless a later start of it succeeded after all
            }
            String state;
            if (key == null) {
                state = "retired";
            } else if (key.equals(current) && deployments.hasInstance(key)) {
                state = "serving";
            } else if (deployments.hasInstance(key)) {
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
}
