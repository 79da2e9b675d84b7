package dev.wisp.cli;

import dev.wisp.bench.ClusterBenchReport;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wisp bench cluster}: a three-node cluster on this machine on a real three-member etcd:
 * failover, leader failover, requests lost during a node's loss, the cross-node hop, and the
 * scheduler on 100 simulated nodes and 10,000 services.
 */
@Command(
        name = "cluster",
        description = "Three nodes and a three-member etcd here: time to notice a lost node, to answer again from"
                + " another, failed requests meanwhile, the cross-node hop's cost, placement on 100 simulated nodes.")
final class BenchClusterCommand extends HostBenchCommand<ClusterBenchReport> {
    @Option(
            names = {"--rounds", "--failovers"},
            defaultValue = "3",
            description = "kill -9 of the node running the one-instance service, N times (1..20); failover"
                    + " figures are medians (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--seconds",
            defaultValue = "30",
            description = "Seconds of hey per router and turn for the hop, two turns each: enough requests for a"
                    + " p99 even at a loaded host's rate (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--connections",
            defaultValue = "8",
            description = "Concurrent connections of hey (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = "--loss-seconds",
            defaultValue = "30",
            description = "Seconds of load across each kill (default: ${DEFAULT-VALUE}).")
    int lossSeconds;

    @Override
    ClusterBenchReport measure(Kernel kernel) throws Exception {
        Image image = helloImage(kernel);
        List<String> flags = new ArrayList<>(List.of("--accel", host.accel, "--vmm-pool", "1"));
        if (host.kernel != null) {
            flags.addAll(List.of("--kernel", host.kernel));
        }
        ClusterBench.Options o = new ClusterBench.Options(rounds, seconds, connections, lossSeconds, flags);
        return new ClusterBench(o, progress()).run(image.dir(), image.id());
    }

    @Override
    String table(ClusterBenchReport r) {
        return r.table();
    }
}
