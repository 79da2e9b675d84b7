package dev.wisp.cli;

import dev.wisp.sdk.DrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code wisp nodes} lists the nodes; {@code wisp nodes drain NAME} marks one draining (admin token). */
@Command(
        name = "nodes",
        description = "List the nodes: state (ready, draining, lost), capacity, use and instances (admin token).",
        subcommands = {NodesCommand.Drain.class})
final class NodesCommand extends AdminApiCommand {
    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        json.table(
                out(),
                api.client().nodes(),
                new Table(
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
                        "LAST_SEEN"),
                (t, n) -> t.row(
                        n.name(),
                        n.state() == null ? "ready" : n.state(),
                        n.leader() == null ? "-" : n.leader() ? "yes" : "",
                        n.capacity() == null ? null : n.capacity().vcpus(),
                        n.capacity() == null ? null : n.capacity().memoryLimitMiB(),
                        n.allocated() == null ? null : n.allocated().vcpus(),
                        n.allocated() == null ? null : n.allocated().memoryMiB(),
                        n.instances() == null ? null : n.instances().running(),
                        n.instances() == null ? null : n.instances().paused(),
                        n.instances() == null ? null : n.instances().snapshotted(),
                        n.apiUrl(),
                        n.lastSeen()));
        return 0;
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
