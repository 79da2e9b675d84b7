package dev.wisp.planner;

import dev.wisp.autoscaler.Autoscaler;
import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.InstanceView;
import dev.wisp.autoscaler.StandbyTier;

/**
 * One user's app in the simulation: its real {@link Autoscaler} (only while it is awake) and its
 * one microVM. One user carries one request at a time, which the default target of 70 per
 * instance serves with one instance, so one instance per app is the whole story.
 *
 * <p>The autoscaler wants a load sample every second; this app supplies them lazily: whenever it is
 * looked at, it first {@link #catchUp replays} the seconds it was not looked at, with the load it
 * had all along (load only changes through trace events, which look at the app). Only the last
 * stable window of those seconds is replayed: older samples have left the window, so the
 * autoscaler ends up in the state it would have had with a sample every second.
 */
final class App {
    final int user;
    final String instanceId;
    /** Null while the app is asleep: at zero, load window empty; a new one is made on its next request. */
    Autoscaler autoscaler;
    /** Its instance's tier; null when it has none (never started, or retired). */
    StandbyTier tier;
    /** Second its last request finished, or its current one started. */
    long lastRequestAt;
    /** Requests in flight: 1 during a session, 0 otherwise. */
    int load;
    /** Second the load last changed. */
    long loadSince;
    /** Last second a load sample was given to the autoscaler. */
    private long lastSampled;
    /** The autoscaler's last answer: instances the app should have serving. */
    int desired;
    /** Whether that answer was given in panic mode (then it is ticked every tick, no shortcuts). */
    boolean panicking;
    /** Second the simulation looks at this app next, or -1. */
    long scheduledAt = -1;

    App(int user) {
        this.user = user;
        this.instanceId = "user-" + user;
    }

    /** Gives the app a fresh autoscaler created at {@code second}, if it has none. */
    void wake(AutoscalerConfig config, SimClock clock, long second) {
        if (autoscaler == null) {
            autoscaler = new Autoscaler(config, clock);
            lastSampled = second - 1;
        }
    }

    /** Records the load of every second up to {@code second} not yet recorded; leaves the clock at {@code now}. */
    void catchUp(long second, long now, SimClock clock, int stableSeconds) {
        if (autoscaler == null || second <= lastSampled) {
            return;
        }
        for (long s = Math.max(lastSampled + 1, second - stableSeconds + 1); s <= second; s++) {
            clock.set(s);
            autoscaler.record(load);
        }
        lastSampled = second;
        clock.set(now);
    }

    /** What the standby planner sees of the instance. */
    InstanceView view(SimClock clock) {
        return new InstanceView(instanceId, tier, clock.at(lastRequestAt), load);
    }
}
