package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Placement and the cross-node data path with two {@code wisp up --etcd} processes on a real
 * three-member etcd (loopback, distinct ports: no network namespaces yet). The image is pushed to
 * b only; placement puts the service's one instance on a (equal nodes: by name), which fetches
 * the image from b by its id. The service answers through both routers (b forwards to a in one
 * hop). kill -9 of a (the leader, holding the only instance) makes b lead, place the service on
 * itself and answer again; the time from the kill to that first 200 is printed.
 */
@ExtendWith(TwoNodeCluster.class)
class ClusterPlacementTest {
    @Test
    void twoNodes_placeFetchForwardAndReplaceTheOnlyInstanceAfterKill9(ClusterNode a, ClusterNode b) throws Exception {
        String image = ClusterNode.buildHello();
        b.wisp("image", "push", image);
        CliRun deploy = b.wisp("deploy", "hello", "--image", image, "--memory", "128");
        assertThat(deploy.out()).startsWith("hello: revision 1 serving");
        assertThat(b.running()).as("the one instance is on a").containsExactly("a");
        assertThat(a.data().resolve("images").resolve(image))
                .as("a fetched the image from b by its id")
                .isDirectory();
        assertThat(a.curlHello()).as("through a's router (local)").endsWith("\n200");
        assertThat(b.curlHello()).as("through b's router (forwarded to a)").endsWith("\n200");

        a.process().descendants().forEach(a.vms()::add);
        long killed = System.nanoTime();
        a.process().destroyForcibly();
        a.vms().forEach(ProcessHandle::destroyForcibly);
        assertThat(a.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        Await.until(
                Duration.ofSeconds(180),
                Duration.ofMillis(200),
                "hello answering through b's router again",
                () -> b.curlHello().endsWith("\n200"));
        Duration back = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("kill -9 of the node with the only instance to the first 200 from b (under load): "
                + back.toMillis() + " ms");
        // The node list's counts come from each node's next report, which may follow the first 200.
        Await.until(
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                "the node list showing the instance on b (its counts lag a heartbeat)",
                () -> b.running().equals(List.of("b")));
    }
}
