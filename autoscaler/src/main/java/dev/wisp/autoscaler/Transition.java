package dev.wisp.autoscaler;

import java.time.Duration;

/**
 * One step down the standby tiers that is due now.
 *
 * @param instanceId the instance to move
 * @param from       its tier now
 * @param to         the tier to move it to: one step deeper, or {@link StandbyTier#GONE}
 * @param idleFor    how long it has been idle, for logs
 */
public record Transition(String instanceId, StandbyTier from, StandbyTier to, Duration idleFor) {}
