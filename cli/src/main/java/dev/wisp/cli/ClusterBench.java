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
    /**
     * @param rounds kills of solo's node (the failover figures are their medians)
     * @param hopSeconds seconds of hey per router and per alternation of the hop (two alternations)
     * @param lossSeconds how long hey's load runs across each kill (started 2 s before it)
     */
    record Options(int rounds, int hopSeconds, int connections, int lossSeconds, List<String> nodeFlags) {}

    /** Local and forwarding router take turns this often, so a change of the host's load hits both. */
    private static final int HOP_ALTERNATIONS = 2;

    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final int ETCD_MEMBERS = 3;
    private static final Duration READY_WITHIN = Duration.ofSeconds(300);

    private final Options o;
    private final Consumer<String> log;

    ClusterBench(Options o, Consumer<String> log) {
        if (o.rounds() < 1 || o.rounds() > 20 || o.hopSeconds() < 1 || o.connections() < 1 || o.lossSeconds() < 5) {
            throw new IllegalArgumentException(
                    "--rounds must be 1..20, --seconds and --connections at least 1," + " --loss-seconds at least 5");
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
            Failovers f = new Failovers();
            for (int i = 0; i < o.rounds(); i++) {
                String killed = failover(c, f);
                if (i + 1 < o.rounds()) {
                    restart(c, killed);
                    c.await(Duration.ofSeconds(120), "every node ready again", () -> c.ready(alive(c, killed)) == 3);
                }
            }
            PlacementSimulation.Result placement = PlacementSimulation.run(100, 10_000, 14);
            return new ClusterBenchReport(
                    machine(),
                    NAMES.size(),
                    ETCD_MEMBERS,
                    f.notice,
                    f.afterNotice,
                    f.back,
                    f.via,
                    f.leader,
                    f.loss,
                    hop,
                    placement);
        }
    }

    private static Service service(String name, String image, int instances) {
        return Service.builder(name, image)
                .resources(new Resources(null, 128))
                .scaling(Scaling.limits(instances, instances, null))
                .build();
    }

    /** Starts the killed node again; once more if etcd was too slow for it on a loaded host. */
    private void restart(LocalCluster c, String name) throws IOException, InterruptedException {
        try {
            c.startNode(name);
        } catch (IOException | RuntimeException e) {
            log.accept("node " + name + " did not start (" + e.getMessage() + "); once more");
            Thread.sleep(5000);
            c.startNode(name);
        }
    }

    /** The figures of every failover round. */
    private static final class Failovers {
        final List<Long> notice = new ArrayList<>();
        final List<Long> afterNotice = new ArrayList<>();
        final List<Long> back = new ArrayList<>();
        final List<String> via = new ArrayList<>();
        final List<Long> leader = new ArrayList<>();
        final List<ClusterBenchReport.Loss> loss = new ArrayList<>();
    }

    /**
     * hey through the router of solo's node and through another's, taking turns, the same service;
     * p99 by nearest rank over every request of each side (hey's CSV), so it rests on thousands
     * of requests, not on hey's own histogram.
     */
    private ClusterBenchReport.Hop hop(LocalCluster c) throws IOException, InterruptedException {
        LocalCluster.LocalNode owner = owner(c, "solo", null);
        LocalCluster.LocalNode other =
                c.nodes().stream().filter(n -> n != owner).findFirst().orElseThrow();
        List<String> load = List.of("-z", o.hopSeconds() + "s", "-c", String.valueOf(o.connections()), "-t", "30");
        log.accept("hop: hey " + HOP_ALTERNATIONS + " x " + o.hopSeconds() + " s through " + owner.name()
                + " (local) and " + other.name() + " (forwarding), taking turns");
        HeyLoad.Samples local = new HeyLoad.Samples(List.of(), 0);
        HeyLoad.Samples remote = new HeyLoad.Samples(List.of(), 0);
        for (int i = 0; i < HOP_ALTERNATIONS; i++) {
            local = local.plus(HeyLoad.samples(owner.routerPort(), "solo.localhost", "/", load));
            remote = remote.plus(HeyLoad.samples(other.routerPort(), "solo.localhost", "/", load));
        }
        double seconds = (double) HOP_ALTERNATIONS * o.hopSeconds();
        log.accept(String.format(
                java.util.Locale.ROOT,
                "hop: local %d requests, p99 %.1f ms; forwarding %d requests, p99 %.1f ms",
                local.requests(),
                local.quantileMs(0.99),
                remote.requests(),
                remote.quantileMs(0.99)));
        return new ClusterBenchReport.Hop(
                local.okMs().size() / seconds,
                local.quantileMs(0.99),
                local.requests(),
                remote.okMs().size() / seconds,
                remote.quantileMs(0.99),
                remote.requests());
    }

    /**
     * kill -9 of solo's node with hey on spread through a survivor; returns the killed node's name.
     * A probe thread asks solo through the survivor from the kill on (each ask waits in the router
     * until solo answers), while this thread watches the survivor's member list and leader.
     */
    private String failover(LocalCluster c, Failovers f) throws Exception {
        LocalCluster.LocalNode victim = owner(c, "solo", null);
        LocalCluster.LocalNode survivor = owner(c, "spread", victim);
        boolean led = victim.name().equals(c.leader(survivor));
        long seenSeq = lastEventSeq(survivor);
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
        long deadline = t0 + READY_WITHIN.toNanos();
        victim.kill();
        CompletableFuture<Long> answered = CompletableFuture.supplyAsync(
                () -> {
                    while (System.nanoTime() < deadline) {
                        if (status(survivor, "solo") == 200) {
                            return System.nanoTime();
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // a quick 404 or 503
                    }
                    return -1L;
                },
                r -> Thread.ofVirtual().name("wisp-bench-probe").start(r));
        long noticed = -1;
        long newLeader = led ? -1 : 0;
        while ((noticed < 0 || newLeader < 0) && System.nanoTime() < deadline) {
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
            Thread.sleep(50);
        }
        long back = answered.get();
        if (noticed < 0 || newLeader < 0 || back < 0) {
            throw new IllegalStateException("after kill -9 of " + victim.name() + " the cluster did not recover within "
                    + READY_WITHIN.toSeconds() + " s");
        }
        f.notice.add((noticed - t0) / 1_000_000);
        f.afterNotice.add(Math.max(0, back - noticed) / 1_000_000);
        f.back.add((back - t0) / 1_000_000);
        f.via.add(replacedVia(survivor, seenSeq));
        if (led) {
            f.leader.add((newLeader - t0) / 1_000_000);
        }
        HeyLoad.Report r = hey.get();
        f.loss.add(new ClusterBenchReport.Loss(r.requests(), r.failed(), r.outcome()));
        log.accept("noticed lost after " + f.notice.getLast() + " ms, solo answering again " + f.afterNotice.getLast()
                + " ms after that (" + f.back.getLast() + " ms after the kill, replaced via " + f.via.getLast()
                + "); spread: " + r.outcome());
        return victim.name();
    }

    private static long lastEventSeq(LocalCluster.LocalNode via) {
        return via.client().serviceEvents("solo").stream()
                .mapToLong(e -> e.seq() == null ? 0 : e.seq())
                .max()
                .orElse(0);
    }

    /**
     * How solo's replacement started, from its first instance event after the kill ("none -> running
     * via clone_template in 812 ms"); "?" if none came within 10 s (events are written after the fact).
     */
    private static String replacedVia(LocalCluster.LocalNode via, long after) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            for (dev.wisp.sdk.Event e : via.client().serviceEvents("solo")) {
                String d = e.detail() == null ? "" : e.detail();
                if (e.seq() != null && e.seq() > after && d.startsWith("none -> running via ")) {
                    return d.substring("none -> running via ".length()); // "clone_template in 812 ms"
                }
            }
            Thread.sleep(200);
        }
        return "?";
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
