package dev.wisp.control;

import dev.wisp.node.ServiceStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the {@link Reconciler}'s node services run: on this host ({@link NodeDeployments}), or in
 * cluster mode wherever placement puts them ({@link PlacedDeployments}, the leader's).
 */
interface Deployments {
    /** Makes sure the service's revision runs as {@code key} (or is on its way to). */
    void ensureDeployed(ServiceRecord s, RevisionRecord r, String key);

    /** Why the deploy of this key failed (for good: the revision fails with it), or null. */
    String deployFailure(String key);

    /** When this process first deployed the key, or null. */
    Instant deployedAt(String key);

    /** Whether the key has an instance that is up or asleep (a request wakes it at once). */
    boolean hasInstance(String key);

    /** Whether the key runs anywhere. */
    boolean deployed(String key);

    /** The key's status on this host (start failures are read from it), if it runs here. */
    Optional<ServiceStatus> status(String key);

    /**
     * Ends a pass: removes what no service wants any more; {@code forget} runs once those are
     * asked to go.
     */
    void removeUndesired(Set<String> desired, Runnable forget);

    /** Store prefixes whose changes need a pass, beyond the registry's own. */
    default List<String> watchPrefixes() {
        return List.of();
    }
}
