package dev.wisp.autoscaler;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Moves one service's idle instances down the {@link StandbyTier standby tiers} under its
 * {@link StandbyPolicy}, and picks the fastest way to wake one back up.
 *
 * <p>Rules, with idle time counted from an instance's last request:
 * <ul>
 *   <li>an instance with requests in flight is never moved;</li>
 *   <li>RUNNING → PAUSED once idle for {@code pauseAfter} (modes PAUSE and SNAPSHOT);</li>
 *   <li>PAUSED → SNAPSHOTTED once idle for {@code snapshotAfter} (mode SNAPSHOT);</li>
 *   <li>any tier → GONE once idle for {@code retireAfter}, but only for instances beyond the
 *       autoscaler's count: the {@code serving} most recently used instances are never retired,
 *       so the count the autoscaler (and {@code minInstances}) asks for always exists in some
 *       tier;</li>
 *   <li>{@link StandbyMode#ALWAYS_ON} never pauses or snapshots.</li>
 * </ul>
 * Boundaries are inclusive: an instance idle for exactly {@code pauseAfter} is paused.
 *
 * <p>At most one step per instance per call: each step is a VM operation the platform must finish
 * first (a VM is snapshotted from the paused state), and the next call sees the new tier.
 *
 * <p>Stateless apart from its policy and clock, so thread-safe.
 */
public final class StandbyPlanner {
    /** Warmest first: in flight, then most recently used, then shallowest tier; id for a stable order. */
    private static final Comparator<InstanceView> WARMEST_FIRST = Comparator.comparing(
                    (InstanceView i) -> i.inFlight() == 0)
            .thenComparing(InstanceView::lastRequestAt, Comparator.reverseOrder())
            .thenComparing(InstanceView::tier)
            .thenComparing(InstanceView::id);

    private final StandbyPolicy policy;
    private final InstantSource clock;

    /**
     * @param policy the service's standby policy
     * @param clock  the only source of time
     */
    public StandbyPlanner(StandbyPolicy policy, InstantSource clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The policy this planner applies. */
    public StandbyPolicy policy() {
        return policy;
    }

    /**
     * The transitions due now, in the order of {@code instances}.
     *
     * @param instances every instance of the service that exists, in any tier
     * @param serving   how many instances the autoscaler wants ({@link ScaleDecision#desiredInstances()});
     *                  that many of the most recently used are kept from retirement
     * @throws IllegalArgumentException if {@code serving} is negative or an id repeats
     */
    public List<Transition> due(Collection<InstanceView> instances, int serving) {
        if (serving < 0) {
            throw new IllegalArgumentException("serving must be >= 0, was " + serving);
        }
        Set<String> kept = new HashSet<>();
        instances.stream().sorted(WARMEST_FIRST).limit(serving).forEach(i -> kept.add(i.id()));
        Set<String> seen = new HashSet<>();
        Instant now = clock.instant();
        List<Transition> due = new ArrayList<>();
        for (InstanceView instance : instances) {
            if (!seen.add(instance.id())) {
                throw new IllegalArgumentException("instance " + instance.id() + " is listed twice");
            }
            StandbyTier next = next(instance, idle(instance, now), !kept.contains(instance.id()));
            if (next != instance.tier()) {
                due.add(new Transition(instance.id(), instance.tier(), next, idle(instance, now)));
            }
        }
        return due;
    }

    /**
     * The fastest way to get one more instance serving: resume the most recently used paused
     * instance, else restore the most recently used snapshotted one, else clone the warm template,
     * else boot cold. Running instances are not candidates: they already serve.
     *
     * @param instances            every instance of the service that exists
     * @param warmTemplateAvailable whether a warm template snapshot of the service exists
     */
    public WakePlan wake(Collection<InstanceView> instances, boolean warmTemplateAvailable) {
        for (StandbyTier tier : List.of(StandbyTier.PAUSED, StandbyTier.SNAPSHOTTED)) {
            var best = instances.stream().filter(i -> i.tier() == tier).min(WARMEST_FIRST);
            if (best.isPresent()) {
                WakePath path = tier == StandbyTier.PAUSED ? WakePath.RESUME_PAUSED : WakePath.RESTORE_SNAPSHOT;
                return new WakePlan(path, best.get().id());
            }
        }
        return new WakePlan(warmTemplateAvailable ? WakePath.CLONE_TEMPLATE : WakePath.COLD_BOOT, null);
    }

    private StandbyTier next(InstanceView instance, Duration idle, boolean excess) {
        if (instance.inFlight() > 0) {
            return instance.tier();
        }
        StandbyMode mode = policy.mode();
        if (instance.tier() == StandbyTier.RUNNING
                && mode != StandbyMode.ALWAYS_ON
                && reached(idle, policy.pauseAfter())) {
            return StandbyTier.PAUSED;
        }
        if (instance.tier() == StandbyTier.PAUSED
                && mode == StandbyMode.SNAPSHOT
                && reached(idle, policy.snapshotAfter())) {
            return StandbyTier.SNAPSHOTTED;
        }
        if (excess && reached(idle, policy.retireAfter())) {
            return StandbyTier.GONE;
        }
        return instance.tier();
    }

    private static Duration idle(InstanceView instance, Instant now) {
        Duration idle = Duration.between(instance.lastRequestAt(), now);
        return idle.isNegative() ? Duration.ZERO : idle;
    }

    private static boolean reached(Duration idle, Duration threshold) {
        return idle.compareTo(threshold) >= 0;
    }
}
