package dev.wisp.cluster;

import java.util.Objects;

/**
 * One service key placed on one node: the node runs it with up to {@code instances} instances
 * kept at its minimum (its autoscaler may add more where there is room), or, with none, holds the
 * key's warm template as its standby replica (no instance, no route: the node a failover of the
 * key's only node clones from, see {@link Placement}). What the key runs is
 * named by the tenant, service, revision and settings generation, which the node reads from the
 * store; a node whose records show another generation waits for the next assignment.
 *
 * @param key the service key on the node
 * @param instances the node's share of the service's instances; 0 for a standby replica
 * @param tenant the owning tenant
 * @param service the service's name
 * @param revision the revision it runs
 * @param generation the service settings' generation the key was made for
 */
public record Assignment(String key, int instances, String tenant, String service, int revision, long generation) {
    public Assignment {
        Objects.requireNonNull(key, "key");
        if (instances < 0) {
            throw new IllegalArgumentException(key + ": an assignment needs 0 or more instances, was " + instances);
        }
    }

    /** Whether the node only holds the key's warm template (a standby replica), running nothing. */
    public boolean standby() {
        return instances == 0;
    }
}
