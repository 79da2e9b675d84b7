package dev.wisp.cli;

import dev.wisp.sdk.Revision;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.WispClient;
import java.util.Comparator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wisp rollback NAME [--to N]}: traffic back to revision N, by default the one before the serving one. */
@Command(name = "rollback", description = "Move a service's traffic back to an earlier revision.")
final class RollbackCommand extends RevisionCommand {
    @Parameters(paramLabel = "NAME", description = "Service name.")
    String name;

    @Option(
            names = "--to",
            paramLabel = "N",
            description = "Revision to serve (default: the newest one before the serving one that did not fail).")
    Integer to;

    @Override
    public Integer call() throws Exception {
        WispClient wisp = api.client();
        int target = to != null ? to : previous(wisp);
        return settleAndPrint(
                wisp,
                name,
                wisp.rollback(name, target),
                r -> String.format("%s: revision %d %s", name, r.number(), r.state()));
    }

    private int previous(WispClient wisp) {
        Service s = wisp.service(name);
        int serving = s.revision() == null ? Integer.MAX_VALUE : s.revision();
        return wisp.revisions(name).stream()
                .filter(r -> r.number() != null && r.number() < serving && !"failed".equals(r.state()))
                .map(Revision::number)
                .max(Comparator.naturalOrder())
                .orElseThrow(() -> new IllegalArgumentException(name + " has no earlier revision to roll back to"));
    }
}
