package dev.wisp.cli;

import dev.wisp.bench.ClusterBenchReport;
import dev.wisp.bench.HeyLoad;
import dev.wisp.bench.PlacementSimulation;
import dev.wisp.sdk.Resources;
import dev.wisp.sdk.Scaling;
import dev.wisp.sdk.Service;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The run behind {@code wisp bench cluster}: three nodes and a three-member etcd on this machine
 * ({@link LocalCluster}), two services of the hello image ({@code solo}: one instance;
 * {@code spread}: two, on two nodes), then the cross-node hop, then kill -9 of the node running
 * {@code solo} under load, as often as asked (the killed node restarted in between), then the
 * scheduler on simulated nodes.
 */
final class ClusterBench {
    /** @param lossSeconds how long hey's load runs across each kill (started 2 s before it) */
    record Options(int failovers, int hopSeconds, int connections, int lossSeconds, List<String> nodeFlags) {}

    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final int ETCD_MEMBERS = 3;
    private static final Duration READY_WITHIN = Duration.ofSeconds(300);

    private final Options o;
    private final Consumer<String> log;

    ClusterBench(Options o, Consumer<String> log) {
        if (o.failovers() < 1 || o.hopSeconds() < 1 || o.connections() < 1 || o.lossSeconds() < 5) {
            throw new IllegalArgumentException(
                    "--failovers, --seconds and --connections must be at least 1, --loss-seconds at least 5");
        }
        this.o = o;
        this.log = log;
    }

    ClusterBenchReport run(Path imageDir, String imageId) throws Exception {
        Path dir = Files.createTempDirectory("wisp-bench-cluster");
        log.accept("starting etcd (" + ETCD_MEMBERS + " members) and nodes " + NAMES + " under " + dir);
        try (LocalCluster c = LocalCluster.start(dir, ETCD_MEMBERS, NAMES, o.nodeFlags())) {
            for (LocalCluster.LocalNode n : c.nodes()) {
                n.client().pushImage(imageDir);
            }
            LocalCluster.LocalNode first = c.nodes().getFirst();
            first.client().createService(service("solo", imageId, 1));
            first.client().createService(service("spread", imageId, 2));
            for (LocalCluster.LocalNode n : c.nodes()) {
                for (String s : List.of("solo", "spread")) {
                    c.await(READY_WITHIN, s + " answering through " + n.name(), () -> status(n, s) == 200);
                }
            }
            log.accept("solo and spread answer through every router");
            ClusterBenchReport.Hop hop = hop(c);
            List<Long> notice = new ArrayList<>();
            List<Long> back = new ArrayList<>();
            List<Long> leader = new ArrayList<>();
            List<ClusterBenchReport.Loss> loss = new ArrayList<>();
            for (int i = 0; i < o.failovers(); i++) {
                String killed = failover(c, notice, back, leader, loss);
                if (i + 1 < o.failovers()) {
                    c.startNode(killed);
                    c.await(Duration.ofSeconds(120), "every node ready again", () -> c.ready(alive(c, killed)) == 3);
                }
            }
            PlacementSimulation.Result placement = PlacementSimulation.run(100, 10_000, 14);
            return new ClusterBenchReport(
                    machine(), NAMES.size(), ETCD_MEMBERS, notice, back, leader, loss, hop, placement);
        }
    }

    private static Service service(String name, String image, int instances) {
        return Service.builder(name, image)
                .resources(new Resources(null, 128))
                .scaling(Scaling.limits(instances, instances, null))
                .build();
    }

    /** hey through the router of solo's node, then through another's: the same run, the same service. */
    private ClusterBenchReport.Hop hop(LocalCluster c) throws IOException, InterruptedException {
        LocalCluster.LocalNode owner = owner(c, "solo", null);
        LocalCluster.LocalNode other =
                c.nodes().stream().filter(n -> n != owner).findFirst().orElseThrow();
        List<String> load = List.of("-z", o.hopSeconds() + "s", "-c", String.valueOf(o.connections()));
        log.accept("hop: hey " + o.hopSeconds() + " s through " + owner.name() + " (local), then " + other.name());
        HeyLoad.Report local = HeyLoad.run(owner.routerPort(), "solo.localhost", "/", load);
        HeyLoad.Report remote = HeyLoad.run(other.routerPort(), "solo.localhost", "/", load);
        return new ClusterBenchReport.Hop(
                local.requestsPerSecond(), local.p99Ms(), remote.requestsPerSecond(), remote.p99Ms());
    }

    /** kill -9 of solo's node with hey on spread through a survivor; returns the killed node's name. */
    private String failover(
            LocalCluster c,
            List<Long> notice,
            List<Long> back,
            List<Long> leaderTimes,
            List<ClusterBenchReport.Loss> loss)
            throws Exception {
        LocalCluster.LocalNode victim = owner(c, "solo", null);
        LocalCluster.LocalNode survivor = owner(c, "spread", victim);
        boolean led = victim.name().equals(c.leader(survivor));
        CompletableFuture<HeyLoad.Report> hey = CompletableFuture.supplyAsync(() -> {
            try {
                return HeyLoad.run(
                        survivor.routerPort(),
                        "spread.localhost",
                        "/",
                        List.of("-z", o.lossSeconds() + "s", "-c", String.valueOf(o.connections())));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(2000);
        log.accept("kill -9 of " + victim.name() + (led ? " (the leader)" : "") + ", load on spread through "
                + survivor.name());
        long t0 = System.nanoTime();
        victim.kill();
        long noticed = -1;
        long newLeader = led ? -1 : 0;
        long answered = -1;
        long deadline = t0 + READY_WITHIN.toNanos();
        while ((noticed < 0 || newLeader < 0 || answered < 0) && System.nanoTime() < deadline) {
            List<dev.wisp.sdk.NodeInfo> seen = LocalCluster.members(survivor);
            long now = System.nanoTime();
            if (noticed < 0
                    && seen.stream().anyMatch(i -> i.name().equals(victim.name()) && "lost".equals(i.state()))) {
                noticed = now;
            }
            if (newLeader < 0) {
                String l = c.leader(survivor);
                if (l != null && !l.equals(victim.name())) {
                    newLeader = System.nanoTime();
                }
            }
            if (answered < 0 && status(survivor, "solo") == 200) {
                answered = System.nanoTime();
            }
            Thread.sleep(50);
        }
        if (noticed < 0 || newLeader < 0 || answered < 0) {
            throw new IllegalStateException("after kill -9 of " + victim.name() + " the cluster did not recover within "
                    + READY_WITHIN.toSeconds() + " s");
        }
        notice.add((noticed - t0) / 1_000_000);
        back.add((answered - t0) / 1_000_000);
        if (led) {
            leaderTimes.add((newLeader - t0) / 1_000_000);
        }
        HeyLoad.Report r = hey.get();
        loss.add(new ClusterBenchReport.Loss(r.requests(), r.failed(), r.outcome()));
        log.accept("noticed lost after " + notice.getLast() + " ms, solo answering again after " + back.getLast()
                + " ms; spread: " + r.outcome());
        return victim.name();
    }

    /** A node that holds an instance of {@code service}, other than {@code not}. */
    private static LocalCluster.LocalNode owner(LocalCluster c, String service, LocalCluster.LocalNode not) {
        return c.nodes().stream()
                .filter(n -> n != not && LocalCluster.holds(n, service))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no live node holds an instance of " + service));
    }

    private static LocalCluster.LocalNode alive(LocalCluster c, String not) {
        return c.nodes().stream()
                .filter(n -> !n.name().equals(not) && n.process().isAlive())
                .findFirst()
                .orElseThrow();
    }

    /** One GET through {@code n}'s router for {@code service}: its status, or -1 without an answer in 10 s. */
    static int status(LocalCluster.LocalNode n, String service) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", n.routerPort()), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(
                    ("GET / HTTP/1.0\r\nHost: " + service + ".localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            return line.startsWith("HTTP/1.") && line.length() >= 12 ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static String machine() {
        String load = "?";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            // not Linux: no load figure
        }
        return Runtime.getRuntime().availableProcessors() + " cores, load " + load + " (all nodes on this host)";
    }
}
