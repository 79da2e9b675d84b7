package dev.wisp.router;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One service's ready endpoints and their in-flight counts: least-outstanding
 * power-of-two-choices balancing under the per-endpoint hard limit, and the count of endpoints
 * with spare capacity (below the soft threshold) that tells when to ask for more. Part of a
 * {@link ServiceState}: every method runs under that service's lock, on whichever thread admits
 * or releases a request; {@code inFlightView} is a copy for lock-free readers (gauges).
 */
final class Balancer {
    private static final EndpointState[] NONE = new EndpointState[0];

    private EndpointState[] endpoints = NONE;
    private int hardLimit;
    private int spareThreshold;
    private int inFlight;
    /** Endpoints below the spare-capacity threshold; maintained incrementally. */
    private int spare;

    volatile int inFlightView;

    /** Takes the announced endpoints and limits; {@code out} (parked or gone) are marked removed. */
    void update(List<EndpointState> next, Iterable<EndpointState> out, ServiceLimits limits) {
        hardLimit = limits.hardLimit();
        spareThreshold = limits.spareThreshold();
        for (EndpointState s : out) {
            s.removed = true;
        }
        for (EndpointState s : next) {
            s.removed = false;
        }
        endpoints = next.toArray(NONE);
        spare = 0;
        for (EndpointState s : endpoints) {
            if (spareThreshold == 0 || s.inFlight < spareThreshold) {
                spare++;
            }
        }
    }

    EndpointState[] endpoints() {
        return endpoints;
    }

    int size() {
        return endpoints.length;
    }

    int inFlight() {
        return inFlight;
    }

    /** Every endpoint is at its soft threshold (when there is one): time to ask for more. */
    boolean noSpare() {
        return spare == 0 && spareThreshold > 0;
    }

    /** Takes an in-flight slot on {@code ep}. */
    void take(EndpointState ep) {
        ep.inFlight++;
        ep.inFlightView = ep.inFlight;
        inFlight++;
        inFlightView = inFlight;
        if (!ep.removed && spareThreshold > 0 && ep.inFlight == spareThreshold) {
            spare--;
        }
    }

    /** Gives back an in-flight slot on {@code ep}. */
    void give(EndpointState ep) {
        ep.inFlight--;
        ep.inFlightView = ep.inFlight;
        inFlight--;
        inFlightView = inFlight;
        if (!ep.removed && spareThreshold > 0 && ep.inFlight == spareThreshold - 1) {
            spare++;
        }
    }

    /**
     * Least outstanding requests by power of two choices: sample two distinct endpoints, take the
     * one with fewer in flight. Suspect endpoints lose to healthy ones. If the sample gives
     * nothing usable, scan all; use a suspect endpoint only when no healthy one exists at all
     * (better to try than to hold requests for a dead service), and wait (null) when the healthy
     * ones are merely full. Never {@code exclude}.
     */
    EndpointState pick(EndpointState exclude, long now) {
        EndpointState[] eps = endpoints;
        int n = eps.length;
        if (n == 0) {
            return null;
        }
        if (n >= 2) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int i = r.nextInt(n);
            int j = r.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            EndpointState best = better(eps[i], eps[j], exclude, now);
            if (best != null && !best.suspect(now)) {
                return best;
            }
        }
        EndpointState best = null;
        boolean healthyExists = false;
        for (EndpointState ep : eps) {
            if (ep == exclude) {
                continue;
            }
            if (!ep.suspect(now)) {
                healthyExists = true;
            }
            if (hasCapacity(ep) && (best == null || better(ep, best, null, now) == ep)) {
                best = ep;
            }
        }
        if (best != null && best.suspect(now) && healthyExists) {
            return null;
        }
        return best;
    }

    private boolean hasCapacity(EndpointState ep) {
        return hardLimit == 0 || ep.inFlight < hardLimit;
    }

    private EndpointState better(EndpointState a, EndpointState b, EndpointState exclude, long now) {
        boolean aOk = a != exclude && hasCapacity(a);
        boolean bOk = b != exclude && hasCapacity(b);
        if (!aOk) {
            return bOk ? b : null;
        }
        if (!bOk) {
            return a;
        }
        boolean as = a.suspect(now);
        boolean bs = b.suspect(now);
        if (as != bs) {
            return as ? b : a;
        }
        return b.inFlight < a.inFlight ? b : a;
    }
}
