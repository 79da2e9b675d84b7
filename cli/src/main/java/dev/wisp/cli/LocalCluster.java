package dev.wisp.cli;

import dev.wisp.sdk.NodeInfo;
import dev.wisp.sdk.WispClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster on this one machine: a local etcd ({@link LocalEtcd}) and {@code wisp up --etcd} nodes,
 * each a JVM of its own on loopback with its own ports and data folder (used by {@code wisp bench
 * cluster} and {@code wisp demo --cluster}). Closing stops every node with its VMs, then etcd.
 */
final class LocalCluster implements AutoCloseable {
    /** One node: its JVM, API, router port and admin token. */
    record LocalNode(String name, Process process, URI api, int routerPort, String token, Path log) {
        WispClient client() {
            return WispClient.builder()
                    .baseUrl(api)
                    .token(token)
                    .requestTimeout(Duration.ofSeconds(30))
                    .build();
        }

        /** kill -9 of the JVM and every VM it started, as a host dying would. */
        void kill() throws InterruptedException {
            List<ProcessHandle> vms = process.descendants().toList();
            process.destroyForcibly();
            vms.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private final Path dir;
    private final LocalEtcd etcd;
    private final List<String> nodeFlags;
    private final List<LocalNode> nodes = new ArrayList<>();

    private LocalCluster(Path dir, LocalEtcd etcd, List<String> nodeFlags) {
        this.dir = dir;
        this.etcd = etcd;
        this.nodeFlags = nodeFlags;
    }

    /**
     * Starts etcd ({@code etcdMembers} members) and nodes {@code names}, the first alone until it
     * leads, so it is the leader.
     *
     * @param nodeFlags more {@code wisp up} flags for every node (e.g. --accel)
     */
    static LocalCluster start(Path dir, int etcdMembers, List<String> names, List<String> nodeFlags)
            throws IOException, InterruptedException {
        LocalCluster c = new LocalCluster(dir, LocalEtcd.start(dir.resolve("etcd"), etcdMembers), nodeFlags);
        try {
            for (String name : names) {
                c.startNode(name);
                if (c.nodes.size() == 1) {
                    c.await(Duration.ofSeconds(60), name + " leads", () -> name.equals(c.leader(c.nodes.getFirst())));
                }
            }
            c.await(Duration.ofSeconds(60), "every node ready", () -> c.ready(c.nodes.getFirst()) == names.size());
        } catch (IOException | RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
        return c;
    }

    List<LocalNode> nodes() {
        return List.copyOf(nodes);
    }

    String etcdEndpoints() {
        return etcd.endpointList();
    }

    /** Starts node {@code name} (again, after a kill: same data folder) and waits for its banner. */
    LocalNode startNode(String name) throws IOException {
        UpNode up = UpNode.start(dir, etcd.endpointList(), name, "127.0.0.1", List.of(), nodeFlags);
        LocalNode n =
                new LocalNode(name, up.process(), up.api(), up.routerPort(), up.token(), dir.resolve(name + ".log"));
        nodes.removeIf(o -> o.name().equals(name));
        nodes.add(n);
        return n;
    }

    /** The leader's name as {@code via} lists it, or null (also when its API does not answer). */
    String leader(LocalNode via) {
        return members(via).stream()
                .filter(i -> Boolean.TRUE.equals(i.leader()) && !"lost".equals(i.state()))
                .map(NodeInfo::name)
                .findFirst()
                .orElse(null);
    }

    /** How many nodes {@code via} lists ready. */
    int ready(LocalNode via) {
        return (int)
                members(via).stream().filter(i -> "ready".equals(i.state())).count();
    }

    /**
     * Whether node {@code n} holds an instance of {@code service} (running, paused or on a standby
     * snapshot: an idle instance goes down the tiers), as its own API says.
     */
    static boolean holds(LocalNode n, String service) {
        if (!n.process().isAlive()) {
            return false;
        }
        try {
            dev.wisp.sdk.ServiceStatus st = n.client().service(service).status();
            if (st == null || st.instances() == null) {
                return false;
            }
            dev.wisp.sdk.TierCounts t = st.instances();
            return count(t.running()) + count(t.paused()) + count(t.snapshotted()) > 0;
        } catch (RuntimeException e) {
            return false; // its API is not answering
        }
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }

    /** The nodes {@code via} lists, empty when its API does not answer. */
    static List<NodeInfo> members(LocalNode via) {
        try {
            return via.client().nodes();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Polls {@code condition} every 100 ms until true; fails with {@code what} after {@code timeout}. */
    void await(Duration timeout, String what, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "cluster: not " + what + " within " + timeout.toSeconds() + " s (logs in " + dir + ")");
            }
            Thread.sleep(100);
        }
    }

    /** Stops every node (SIGTERM, SIGKILL after 60 s) and the VMs it left, then etcd. */
    @Override
    public void close() {
        for (LocalNode n : nodes) {
            List<ProcessHandle> vms = n.process().descendants().toList();
            n.process().destroy();
            try {
                if (!n.process().waitFor(60, TimeUnit.SECONDS)) {
                    n.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                n.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
            vms.forEach(ProcessHandle::destroyForcibly);
        }
        etcd.close();
    }
}
