package dev.wisp.store.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real three-member etcd cluster for tests, on loopback and free ports, data under a directory
 * the test owns. Started with every member healthy (a leader elected) or not at all; {@link
 * #close()} stops every member.
 */
public final class EtcdCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int MEMBERS = 3;

    private final List<EtcdMember> members = new ArrayList<>();

    private EtcdCluster(Path dir, String clientHost) {
        int[] clientPorts = new int[MEMBERS];
        int[] peerPorts = new int[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            clientPorts[i] = EtcdMember.freePort();
            peerPorts[i] = EtcdMember.freePort();
        }
        String initial = IntStream.range(0, MEMBERS)
                .mapToObj(m -> "m" + m + "=http://127.0.0.1:" + peerPorts[m])
                .collect(Collectors.joining(","));
        List<String> clusterFlags = List.of(
                "--initial-cluster",
                initial,
                "--initial-cluster-state",
                "new",
                "--initial-cluster-token",
                "wisp-test-" + ProcessHandle.current().pid(),
                // A busy 2-core host delays heartbeats: 1 s election timeout avoids needless re-elections,
                // and keeps etcd's minimum lease ttl at 2 s.
                "--heartbeat-interval",
                "100",
                "--election-timeout",
                "1000");
        for (int i = 0; i < MEMBERS; i++) {
            members.add(new EtcdMember(new EtcdMember.Spec(
                    "m" + i,
                    dir.resolve("m" + i),
                    dir.resolve("m" + i + ".log"),
                    clientHost,
                    clientPorts[i],
                    peerPorts[i],
                    clusterFlags)));
        }
    }

    /** Starts three members under {@code dir} and waits until each reports healthy. */
    public static EtcdCluster start(Path dir) {
        return start(dir, "127.0.0.1");
    }

    /**
     * Starts three members whose clients reach them at {@code clientHost} (an address of this host,
     * e.g. a bridge's, for nodes in network namespaces); their peers talk on loopback.
     */
    public static EtcdCluster start(Path dir, String clientHost) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        EtcdCluster c = new EtcdCluster(dir, clientHost);
        try {
            // all first: a member is healthy only once a quorum is up
            c.members.forEach(EtcdMember::launch);
            c.members.forEach(m -> m.awaitHealthy(START_TIMEOUT));
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Every member's client URL. */
    public List<URI> endpoints() {
        return members.stream().map(EtcdMember::endpoint).toList();
    }

    /** The endpoints as {@code wisp up --etcd} takes them: comma-separated. */
    public String endpointList() {
        return endpoints().stream().map(URI::toString).collect(Collectors.joining(","));
    }

    /** The members' client ports (to cut a node off from etcd). */
    public List<Integer> clientPorts() {
        return members.stream().map(m -> m.spec.clientPort()).toList();
    }

    /**
     * SIGKILLs the member that leads the raft now, as a crash would.
     *
     * @return its name
     * @throws IllegalStateException if no live member names itself leader
     */
    public String killLeader() {
        for (EtcdMember m : members) {
            if (m.isAlive() && m.isLeader()) {
                m.kill();
                return m.spec.name();
            }
        }
        throw new IllegalStateException("no live etcd member leads now");
    }

    @Override
    public void close() {
        members.forEach(EtcdMember::stop);
    }
}
