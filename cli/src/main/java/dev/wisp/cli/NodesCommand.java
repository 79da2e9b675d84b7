package dev.wisp.cli;

import dev.wisp.sdk.DrainResult;
import dev.wisp.sdk.NodeCapacity;
import dev.wisp.sdk.NodeInfo;
import dev.wisp.sdk.Resources;
import dev.wisp.sdk.TierCounts;
import dev.wisp.sdk.WispClient;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code wisp nodes} lists the nodes; {@code wisp nodes drain NAME} marks one draining (admin token). */
@Command(
        name = "nodes",
        description = "List the nodes: state (ready, draining, lost), capacity, use and instances (admin token).",
        subcommands = {NodesCommand.Drain.class})
final class NodesCommand extends ListCommand<NodeInfo> {
    NodesCommand() {
        super(
                new ApiOptions(),
                "NAME",
                "STATE",
                "LEADER",
                "VCPUS",
                "MEMORY_MIB",
                "USED_VCPUS",
                "USED_MIB",
                "RUNNING",
                "PAUSED",
                "SNAPSHOTTED",
                "API",
                "LAST_SEEN");
    }

    @Override
    List<NodeInfo> items(WispClient wisp) {
        return wisp.nodes();
    }

    @Override
    Object[] cells(NodeInfo n) {
        // a single host's node has no cluster fields, an old one may lack figures: those print "-"
        NodeCapacity size = Objects.requireNonNullElse(n.capacity(), new NodeCapacity(null, null, null));
        Resources used = Objects.requireNonNullElse(n.allocated(), new Resources(null, null));
        TierCounts in = Objects.requireNonNullElse(n.instances(), new TierCounts(null, null, null));
        return new Object[] {
            n.name(),
            n.state() == null ? "ready" : n.state(),
            n.leader() == null ? "-" : n.leader() ? "yes" : "",
            size.vcpus(),
            size.memoryLimitMiB(),
            used.vcpus(),
            used.memoryMiB(),
            in.running(),
            in.paused(),
            in.snapshotted(),
            n.apiUrl(),
            n.lastSeen()
        };
    }

    @Command(
            name = "drain",
            description = "Mark a node draining (cluster mode): placement moves its services to other nodes.")
    static final class Drain extends AdminApiCommand {
        @Parameters(paramLabel = "NAME", description = "The node's name, as wisp nodes lists it.")
        String name;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            DrainResult r = api.client().drain(name);
            out().println(
                            json.on
                                    ? Json.pretty(r)
                                    : "node " + r.name() + (r.changed() ? " " : " was already ") + r.state() + ": "
                                            + r.note());
            return 0;
        }
    }
}
