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
 */
public record ServiceStatus(String name, int desired, boolean templateReady, List<InstanceStatus> instances) {
    /**
     * @param id        instance id
     * @param tier      running, paused or snapshotted
     * @param state     the runtime's state of its VM ({@code creating} before it has one,
     *                  {@code snapshotted} for a snapshot adopted from an earlier node)
     * @param port      loopback port while the router sends it requests, else -1
     * @param busy      whether a wake or standby step is under way
     * @param startedAt when the instance first started (kept across sleeps and node restarts)
     */
    public record InstanceStatus(String id, String tier, String state, int port, boolean busy, Instant startedAt) { }

    /** Instances in the given tier. */
    public long count(String tier) {
        return instances.stream().filter(i -> i.tier().equals(tier)).count();
    }
}
