package dev.wisp.node;

import dev.wisp.autoscaler.InstanceView;
import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.router.Endpoint;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.Snapshot;
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
    /** A wake is under way: it, not the runtime's listener, deals with its instance failing. */
    volatile boolean waking;
    /** The endpoint while the router may send it requests; null otherwise. */
    volatile Endpoint endpoint;
    /** The endpoint the router keeps parked while the instance is paused; null otherwise. */
    volatile Endpoint parked;
    /** When the instance first started (kept across sleeps and node restarts). */
    volatile Instant startedAt;
    /** A standby snapshot left by an earlier node, while this replica has no {@link Instance} yet. */
    volatile Snapshot adopted;

    Replica(String id, Instant now) {
        this.id = id;
        this.tier = StandbyTier.RUNNING;
        this.lastUsed = now;
        this.startedAt = now;
        this.busy = true;
    }

    /** A replica asleep on disk as an earlier node left it. */
    static Replica adopted(String id, Snapshot snapshot, Instant startedAt, Instant now) {
        Replica r = new Replica(id, now);
        r.tier = StandbyTier.SNAPSHOTTED;
        r.adopted = snapshot;
        r.startedAt = startedAt;
        r.busy = false;
        return r;
    }

    /**
     * A replica of a service that never served, on standby at its warm template: the template is
     * its snapshot (a clone taken straight to standby would hold nothing else), so it has no VM
     * and no files of its own until its first request clones the template.
     */
    static Replica atTemplate(String id, Instant now) {
        Replica r = new Replica(id, now);
        r.tier = StandbyTier.SNAPSHOTTED;
        r.busy = false;
        return r;
    }

    /** Whether this replica is {@link #atTemplate on standby at the template}. */
    boolean onTemplate() {
        return tier == StandbyTier.SNAPSHOTTED && instance == null && adopted == null;
    }

    InstanceView view(int inFlight) {
        return new InstanceView(id, tier, lastUsed, inFlight);
    }
}
