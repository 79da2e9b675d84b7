package dev.wisp.node;

import java.time.Instant;
import java.util.List;

/**
 * A service at one moment, for people and tests.
 *
 * @param name          service name
 * @param desired       instances the autoscaler last asked for
 * @param templateReady whether new instances clone a warm template
 * @param instances     every instance in any standby tier
 * @param failure       the last failed start of a new instance since the last one that succeeded, or null
 */
public record ServiceStatus(
        String name, int desired, boolean templateReady, List<InstanceStatus> instances, StartFailure failure) {

    /** A status without a start failure. */
    public ServiceStatus(String name, int desired, boolean templateReady, List<InstanceStatus> instances) {
        this(name, desired, templateReady, instances, null);
    }

    /**
     * A start of a new instance (boot, clone or warm template) that failed, and the back-off
     * before the next one.
     *
     * @param reason     the runtime's one-line error
     * @param console    the guest console's last lines before the failure (may be empty)
     * @param at         when it failed
     * @param attempts   failed starts in a row, this one included
     * @param retryAt    no new instance is started before this
     * @param everReady  whether an instance of this service ever started before
     */
    public record StartFailure(
            String reason, List<String> console, Instant at, int attempts, Instant retryAt, boolean everReady) {}
    /**
     * @param id        instance id
     * @param tier      running, paused or snapshotted
     * @param state     the runtime's state of its VM ({@code creating} before it has one,
     *                  {@code snapshotted} for a snapshot adopted from an earlier node)
     * @param port      loopback port while the router sends it requests, else -1
     * @param busy      whether a wake or standby step is under way
     * @param startedAt when the instance first started (kept across sleeps and node restarts)
     */
    public record InstanceStatus(String id, String tier, String state, int port, boolean busy, Instant startedAt) {}

    /** Instances in the given tier. */
    public long count(String tier) {
        return instances.stream().filter(i -> i.tier().equals(tier)).count();
    }
}
