package dev.wisp.cluster;

/**
 * One node as the cluster sees it.
 *
 * @param node its latest record (for a lost node: the last one it wrote)
 * @param state ready, draining or lost
 * @param leader whether it holds the leader key now
 */
public record Member(NodeRecord node, State state, boolean leader) {

    /** A node's state. */
    public enum State {
        /** Its lease is alive and it takes work. */
        READY,
        /** Its lease is alive; it was marked draining (moving its instances away is placement's job). */
        DRAINING,
        /** Its lease lapsed: the process died, hung, or lost etcd for longer than the lease ttl. */
        LOST;

        /** Lower case, as the API shows it. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
