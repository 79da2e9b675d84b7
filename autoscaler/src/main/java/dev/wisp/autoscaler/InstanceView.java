package dev.wisp.autoscaler;

import java.time.Instant;
import java.util.Objects;

/**
 * What the {@link StandbyPlanner} needs to know of one instance of a service.
 *
 * @param id            the platform's instance id, echoed back in transitions
 * @param tier          where the instance sits now; never {@link StandbyTier#GONE}
 * @param lastRequestAt when its last request finished (or when it became ready, if it has had
 *                      none); idle time counts from here
 * @param inFlight      requests it is serving now; an instance with any is never demoted
 */
public record InstanceView(String id, StandbyTier tier, Instant lastRequestAt, int inFlight) {

    /** @throws IllegalArgumentException if the tier is {@code GONE} or {@code inFlight} is negative */
    public InstanceView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(lastRequestAt, "lastRequestAt");
        if (tier == StandbyTier.GONE) {
            throw new IllegalArgumentException("instance " + id + " is GONE: it no longer exists");
        }
        if (inFlight < 0) {
            throw new IllegalArgumentException("inFlight must be >= 0, was " + inFlight + " for " + id);
        }
    }
}
