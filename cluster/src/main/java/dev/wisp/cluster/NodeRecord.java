package dev.wisp.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a node says about itself, refreshed while it lives.
 *
 * @param name the node's name in the cluster ({@code --node}): 1-63 of a-z, 0-9, '-', '.', '_'
 * @param address where other nodes and clients reach it ({@code --advertise})
 * @param apiPort its API's port
 * @param routerPort its router's port
 * @param vcpus vCPUs it offers
 * @param memoryMiB guest memory it admits, MiB
 * @param usedVcpus vCPUs its instances hold
 * @param usedMemoryMiB guest memory its instances hold, MiB
 * @param running instances running
 * @param paused instances paused
 * @param snapshotted instances on a standby snapshot
 * @param accelerator KVM or TCG
 * @param version Wisp's version on the node
 * @param startedAt when this node process joined (ISO-8601)
 * @param heartbeatAt when the node last wrote this record (ISO-8601)
 * @param services per service key deployed on the node, its instances that take a request at once
 *     (up, or asleep and woken by the request); a key listed with 0 still holds its warm template
 *     or standby state here. Placement reads it to tell a revision ready and to prefer warm nodes.
 */
public record NodeRecord(
        String name,
        String address,
        int apiPort,
        int routerPort,
        int vcpus,
        int memoryMiB,
        int usedVcpus,
        int usedMemoryMiB,
        int running,
        int paused,
        int snapshotted,
        String accelerator,
        String version,
        String startedAt,
        String heartbeatAt,
        Map<String, Integer> services) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    public NodeRecord {
        requireName(name);
        Objects.requireNonNull(address, "address");
        services = services == null ? Map.of() : Map.copyOf(services);
    }

    /** Throws {@link IllegalArgumentException} with the rule if {@code name} is not a node name. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "node name '" + name + "' must be 1-63 of a-z 0-9 . _ - starting with a letter or digit");
        }
        return name;
    }

    /** The same figures with another heartbeat time, for comparing what changed. */
    NodeRecord withHeartbeat(String at) {
        return new NodeRecord(
                name,
                address,
                apiPort,
                routerPort,
                vcpus,
                memoryMiB,
                usedVcpus,
                usedMemoryMiB,
                running,
                paused,
                snapshotted,
                accelerator,
                version,
                startedAt,
                at,
                services);
    }
}
