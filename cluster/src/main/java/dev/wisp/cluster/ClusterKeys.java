package dev.wisp.cluster;

/**
 * Where cluster mode keeps its records in the state store.
 *
 * <pre>
 *   /cluster/leader                the leader's node name; on the leader's lease; created only if absent
 *   /cluster/nodes/&lt;name&gt;          NodeRecord; on the node's lease (gone = the node is lost)
 *   /cluster/seen/&lt;name&gt;           NodeRecord as last written; no lease (what a lost node was)
 *   /cluster/draining/&lt;name&gt;       when and through which node it was marked draining; no lease
 *   /cluster/assign/&lt;node&gt;/&lt;key&gt;  an Assignment: the node runs that service key; the leader writes it
 *   /cluster/routes                the routing table (host to service key, key to owner); the leader writes it
 * </pre>
 */
public final class ClusterKeys {
    /** The leader key: its create revision is a leadership term's fencing token. */
    public static final String LEADER = "/cluster/leader";

    public static final String NODES = "/cluster/nodes/";
    public static final String SEEN = "/cluster/seen/";
    public static final String DRAINING = "/cluster/draining/";
    /** Placement's outcome, per node: {@link Assignments}. */
    public static final String ASSIGN = "/cluster/assign/";
    /** The routing table every node's router resolves with; written by the leader's reconciler. */
    public static final String ROUTES = "/cluster/routes";

    private ClusterKeys() {}

    static String node(String name) {
        return NODES + name;
    }

    static String seen(String name) {
        return SEEN + name;
    }

    static String draining(String name) {
        return DRAINING + name;
    }
}
