package dev.wisp.runtime;

import java.time.Duration;
import java.time.Instant;

/**
 * One state change of an instance, timed.
 *
 * @param instanceId which instance
 * @param from       state before
 * @param to         state after
 * @param at         when it changed
 * @param took       time spent in {@code from}
 * @param detail     why, for failures and for logs
 */
public record InstanceEvent(
        String instanceId, InstanceState from, InstanceState to, Instant at, Duration took, String detail) {
    @Override
    public String toString() {
        return instanceId + ": " + from.name().toLowerCase() + " -> "
                + to.name().toLowerCase() + " after " + took.toMillis() + " ms"
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
