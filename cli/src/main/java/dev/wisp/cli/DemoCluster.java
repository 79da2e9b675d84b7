package dev.wisp.cli;

import dev.wisp.image.Image;
import dev.wisp.sdk.NodeInfo;
import dev.wisp.sdk.Resources;
import dev.wisp.sdk.Scaling;
import dev.wisp.sdk.Service;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code wisp demo --cluster}: a three-node cluster on this machine to try cluster mode. Starts a
 * three-member etcd and three {@code wisp up --etcd} nodes (each its own JVM on loopback), deploys
 * hello with two instances, shows where they run, kills one node with kill -9 and shows hello
 * answering throughout and placed again on the node left.
 */
final class DemoCluster {
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final Duration WITHIN = Duration.ofSeconds(300);

    private final PrintWriter out;

    DemoCluster(PrintWriter out) {
        this.out = out;
    }

    /** Runs the tour; with {@code keep} the two nodes left keep running until Ctrl-C. */
    int run(Image image, List<String> nodeFlags, boolean keep) throws Exception {
        Path dir = Files.createTempDirectory("wisp-demo-cluster");
        say("Wisp cluster demo: a 3-member etcd and 3 nodes on this machine (logs and data in " + dir + ")");
        long t = System.nanoTime();
        LocalCluster c = LocalCluster.start(dir, 3, NAMES, nodeFlags);
        try (ExitHook hook = ExitHook.install(c::close, "wisp-demo-cluster-shutdown")) {
            say("  etcd " + c.etcdEndpoints() + "; nodes up in " + ms(t) + " ms:");
            for (LocalCluster.LocalNode n : c.nodes()) {
                say("    " + n.name() + "  API " + n.api() + "  router http://127.0.0.1:" + n.routerPort() + "  token "
                        + dir.resolve(n.name()).resolve("admin-token"));
            }
            LocalCluster.LocalNode a = c.nodes().getFirst();
            for (LocalCluster.LocalNode n : c.nodes()) {
                n.client().pushImage(image.dir());
            }
            t = System.nanoTime();
            a.client()
                    .createService(Service.builder("hello", image.id())
                            .resources(new Resources(null, 128))
                            .scaling(Scaling.limits(2, 2, null))
                            .build());
            for (LocalCluster.LocalNode n : c.nodes()) {
                c.await(WITHIN, "hello answering through " + n.name(), () -> ClusterBench.status(n, "hello") == 200);
            }
            say("  hello deployed with 2 instances, answering through every node's router after " + ms(t) + " ms");
            List<LocalCluster.LocalNode> running = runningHello(c);
            say("  placement spread them: hello runs on " + names(running) + "; the third node forwards in one hop");
            table(a);

            LocalCluster.LocalNode victim = running.getFirst();
            LocalCluster.LocalNode survivor =
                    c.nodes().stream().filter(n -> n != victim).findFirst().orElseThrow();
            say("  kill -9 of node " + victim.name() + " (its JVM and its VMs)...");
            t = System.nanoTime();
            victim.kill();
            c.await(
                    Duration.ofSeconds(30),
                    victim.name() + " listed lost",
                    () -> LocalCluster.members(survivor).stream()
                            .anyMatch(i -> i.name().equals(victim.name()) && "lost".equals(i.state())));
            say("    " + victim.name() + " listed lost after " + ms(t) + " ms; hello through " + survivor.name()
                    + ": HTTP " + ClusterBench.status(survivor, "hello"));
            c.await(
                    WITHIN,
                    "hello on two live nodes again",
                    () -> runningHello(c).size() == 2);
            say("    hello placed again: runs on " + names(runningHello(c)) + " after " + ms(t) + " ms");
            table(survivor);
            if (keep) {
                say("The cluster keeps running (" + survivor.name() + ": wisp --api " + survivor.api()
                        + " --token $(cat " + dir.resolve(survivor.name()).resolve("admin-token")
                        + ") nodes); Ctrl-C stops it");
                hook.await();
                return 0;
            }
        }
        say("Done: every node and etcd member stopped. docs/cluster.md says what changes on separate hosts.");
        return 0;
    }

    private static List<LocalCluster.LocalNode> runningHello(LocalCluster c) {
        return c.nodes().stream().filter(n -> LocalCluster.holds(n, "hello")).toList();
    }

    /** wisp nodes, as {@code via} lists them. */
    private void table(LocalCluster.LocalNode via) {
        for (NodeInfo i : LocalCluster.members(via)) {
            say(String.format(
                    "    %-3s %-8s %-7s instances: %s",
                    i.name(),
                    i.state(),
                    Boolean.TRUE.equals(i.leader()) ? "leader" : "",
                    i.instances() == null
                            ? "?"
                            : i.instances().running() + " running, "
                                    + i.instances().paused() + " paused, "
                                    + i.instances().snapshotted() + " on a snapshot"));
        }
    }

    private static String names(List<LocalCluster.LocalNode> nodes) {
        return String.join(
                " and ", nodes.stream().map(LocalCluster.LocalNode::name).toList());
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
