package dev.wisp.bench;

import java.util.Formatter;
import java.util.List;
import java.util.Locale;

/**
 * What {@code wisp bench cluster} measured on real nodes and a real etcd, plus the scheduler on
 * simulated nodes.
 *
 * @param machine cores and load of the host all nodes shared
 * @param noticeLostMs per failover: kill -9 of a node to a survivor's API listing it lost
 * @param answerAfterNoticeMs per failover: from that listing to the first 200 through a survivor's
 *     router from the service whose only instance died (the "answers again within 3 s")
 * @param answerAgainMs per failover: kill -9 to that first 200
 * @param replacedVia per failover: how the replacement instance started and how long that took
 *     ({@code clone_template in 812 ms}, {@code cold_boot in ...}), from its event; "?" if no event said
 * @param leaderFailoverMs per failover where the killed node led: kill -9 to another node leading
 * @param loss requests through a survivor's router to a service with an instance there, during each failover
 * @param hop the same service through the router of the node that runs it and through another's
 */
public record ClusterBenchReport(
        String machine,
        int nodes,
        int etcdMembers,
        List<Long> noticeLostMs,
        List<Long> answerAfterNoticeMs,
        List<Long> answerAgainMs,
        List<String> replacedVia,
        List<Long> leaderFailoverMs,
        List<Loss> loss,
        Hop hop,
        PlacementSimulation.Result placement) {

    /** hey's requests during one failover and how many did not get a 200. */
    public record Loss(int requests, int failed, String outcome) {}

    /**
     * Requests/s and p99 (nearest rank over every request) through the local router and through a
     * forwarding one, with how many requests each figure rests on, and the p99 the hop adds.
     */
    public record Hop(
            double localRps,
            double localP99Ms,
            int localRequests,
            double remoteRps,
            double remoteP99Ms,
            int remoteRequests) {
        public double addedP99Ms() {
            return remoteP99Ms - localP99Ms;
        }
    }

    /** Median of the figures, or -1 when there are none. */
    public static long median(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** A table a person reads. */
    public String table() {
        StringBuilder b = new StringBuilder();
        Formatter f = new Formatter(b, Locale.ROOT);
        f.format("cluster bench: %d nodes on %d etcd members, %s%n", nodes, etcdMembers, machine);
        f.format(
                "  lost node noticed (kill -9 to listed lost):        median %d ms  %s%n",
                median(noticeLostMs), noticeLostMs);
        f.format(
                "  only instance back (listed lost to first 200):    median %d ms  %s%n",
                median(answerAfterNoticeMs), answerAfterNoticeMs);
        f.format(
                "  only instance back (kill -9 to first 200):         median %d ms  %s; replaced via %s%n",
                median(answerAgainMs), answerAgainMs, replacedVia);
        f.format(
                "  leader failover (kill -9 of the leader to a new):  median %d ms  %s%n",
                median(leaderFailoverMs), leaderFailoverMs);
        for (Loss l : loss) {
            f.format(
                    "  service with an instance on a survivor, during the loss: %d failed of %d (%s)%n",
                    l.failed(), l.requests(), l.outcome());
        }
        f.format(
                "  cross-node hop: local router %.0f req/s p99 %.2f ms (%d requests); forwarding router %.0f req/s"
                        + " p99 %.2f ms (%d requests); adds %.2f ms to p99%n",
                hop.localRps(),
                hop.localP99Ms(),
                hop.localRequests(),
                hop.remoteRps(),
                hop.remoteP99Ms(),
                hop.remoteRequests(),
                hop.addedP99Ms());
        f.format(
                "  placement (real scheduler, simulated): %d services (%d instances) on %d nodes: first pass %.1f ms"
                        + " (%d placed, %d refused), steady pass %.1f ms%n",
                placement.services(),
                placement.instances(),
                placement.nodes(),
                placement.firstPassMs(),
                placement.placedInstances(),
                placement.refusedServices(),
                placement.steadyPassMs());
        return b.toString();
    }
}
