package dev.wisp.control;

import dev.wisp.cluster.NodeRecord;
import dev.wisp.store.StateStore;
import java.time.Duration;
import java.util.Objects;

/**
 * How a control plane joins a cluster ({@code wisp up --etcd}): the shared store it keeps its state
 * in (etcd; the control plane closes it), this node's name and the address others reach it at, and
 * the lease ttl of its membership record and of the leader key.
 *
 * @param store the cluster's state store, opened by the caller and handed over
 * @param nodeName this node's name ({@link NodeRecord#requireName})
 * @param advertise the address other nodes and clients reach this node's API and router at
 * @param leaseTtl how long a silent node stays a member, and a silent leader the leader (at least 1 s)
 */
public record ClusterSetup(StateStore store, String nodeName, String advertise, Duration leaseTtl) {
    /** The default lease ttl: a dead node or leader is noticed within 4 s. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(3);

    public ClusterSetup {
        Objects.requireNonNull(store, "store");
        NodeRecord.requireName(nodeName);
        if (advertise == null || advertise.isBlank()) {
            throw new IllegalArgumentException("--advertise ADDR is needed: the address other nodes reach this one at");
        }
        leaseTtl = leaseTtl == null ? DEFAULT_TTL : leaseTtl;
        if (leaseTtl.toMillis() < 1000) {
            throw new IllegalArgumentException("lease ttl must be at least 1 s, was " + leaseTtl);
        }
    }
}
