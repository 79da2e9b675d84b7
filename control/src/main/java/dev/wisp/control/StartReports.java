package dev.wisp.control;

import dev.wisp.node.ServiceStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the node's failed starts of a revision into what a user sees, for the {@link
 * Reconciler}: an event for each, the last one on the revision record, and the revision failed
 * after {@link Reconciler#FAILED_AFTER} in a row with none ever successful. A start that
 * succeeds clears the record's failure.
 */
final class StartReports {
    private final EventLog events;
    private final Deployments deployments;
    private final RevisionStates states;
    /** Per node key, the failed starts in a row already reported (events, the revision's failure). */
    private final Map<String, Integer> seenFailures = new ConcurrentHashMap<>();

    StartReports(EventLog events, Deployments deployments, RevisionStates states) {
        this.events = events;
        this.deployments = deployments;
        this.states = states;
    }

    void observe(ServiceRecord s, RevisionRecord r, String key) {
        Optional<ServiceStatus> st = deployments.status(key);
        if (st.isEmpty()) {
            return;
        }
        ServiceStatus.StartFailure f = st.get().failure();
        if (f == null) {
            seenFailures.remove(key);
            if (r.failure() != null && deployments.hasInstance(key)) {
                states.writeFailure(s, r.number(), null);
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
        states.writeFailure(s, r.number(), failure);
        long nextS = Math.max(1, (Duration.between(f.at(), f.retryAt()).toMillis() + 999) / 1000);
        events.append(
                s.tenant(),
                "revision.start_failed",
                s.name(),
                null,
                "revision " + r.number() + ": start " + f.attempts() + " in a row failed, next try in " + nextS + " s: "
                        + f.reason());
        if (f.attempts() >= Reconciler.FAILED_AFTER && !f.everReady()) {
            states.fail(s, r, f.attempts() + " starts failed in a row: " + f.reason());
        }
    }

    /** Forgets the node keys no longer deployed. */
    void retain(Set<String> desired) {
        seenFailures.keySet().retainAll(desired);
    }
}
