package dev.wisp.node;

import dev.wisp.autoscaler.InstanceView;
import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.router.Endpoint;
import dev.wisp.runtime.Instance;

import java.time.Instant;

/**
 * One instance of a service as its controller tracks it: which standby tier it is in, when it
 * last served, and whether a VM operation on it is under way (then nothing else touches it).
 */
final class Replica {
    final String id;
    volatile Instance instance;
    volatile StandbyTier tier;
    volatile Instant lastUsed;
    volatile boolean busy;
    /** The endpoint while the router may send it requests; null otherwise. */
    volatile Endpoint endpoint;

    Replica(String id, Instant now) {
        this.id = id;
        this.tier = StandbyTier.RUNNING;
        this.lastUsed = now;
        this.busy = true;
    }

    InstanceView view(int inFlight) {
        return new InstanceView(id, tier, lastUsed, inFlight);
    }
}
