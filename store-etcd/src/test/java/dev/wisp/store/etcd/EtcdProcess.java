package dev.wisp.store.etcd;

import dev.wisp.common.FileTrees;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real single-member etcd for tests (other modules' tests use it through this module's
 * test-jar): on loopback, on free ports, with its data in a directory the test owns. Started
 * healthy or not at all; {@link #close()} always stops it.
 *
 * <p>The binary is {@code etcd} on the PATH (Debian's etcd-server; see scripts/install-deps), or the
 * {@code wisp.etcd} system property.
 */
public final class EtcdProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final EtcdMember member;

    private EtcdProcess(Path dir, int clientPort, int peerPort) {
        this.member = new EtcdMember(new EtcdMember.Spec(
                "wisp-test",
                dir.resolve("data"),
                dir.resolve("etcd.log"),
                "127.0.0.1",
                clientPort,
                peerPort,
                List.of(
                        "--initial-cluster",
                        "wisp-test=http://127.0.0.1:" + peerPort,
                        // Short raft timings: a fast election on start, and etcd's minimum lease ttl
                        // becomes 1 s (ceil(1.5 election ticks x heartbeat)), matching the contract's
                        // smallest ttl.
                        "--heartbeat-interval",
                        "100",
                        "--election-timeout",
                        "500")));
    }

    /** Starts etcd with its data under {@code dir} and waits until it reports healthy. */
    public static EtcdProcess start(Path dir) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before etcd binds it
            EtcdProcess etcd = new EtcdProcess(dir, EtcdMember.freePort(), EtcdMember.freePort());
            try {
                etcd.launch();
                return etcd;
            } catch (IllegalStateException e) {
                etcd.close();
                FileTrees.delete(etcd.member.spec.dataDir()); // it names the failed ports as the member's address
                last = e;
            }
        }
        throw last;
    }

    /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI endpoint() {
        return member.endpoint();
    }

    /** SIGKILL, as a crash would; returns once the process is gone. */
    public void kill() {
        member.kill();
    }

    /** Starts etcd again on the same data directory and ports. */
    public void restart() {
        if (member.isAlive()) {
            throw new IllegalStateException("etcd is still running");
        }
        launch();
    }

    @Override
    public void close() {
        member.stop();
    }

    private void launch() {
        member.launch();
        member.awaitHealthy(START_TIMEOUT);
    }
}
