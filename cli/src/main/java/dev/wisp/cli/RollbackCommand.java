package dev.wisp.cli;

import dev.wisp.sdk.Revision;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.WispClient;
import java.util.Comparator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wisp rollback NAME [--to N]}: traffic back to revision N, by default the one before the serving one. */
@Command(name = "rollback", description = "Move a service's traffic back to an earlier revision.")
final class RollbackCommand extends RevisionCommand {
    @Mixin
    ServiceName service;

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
                service.name,
                wisp.rollback(service.name, target),
                r -> String.format("%s: revision %d %s", service.name, r.number(), r.state()));
    }

    private int previous(WispClient wisp) {
        Service s = wisp.service(service.name);
        int serving = s.revision() == null ? Integer.MAX_VALUE : s.revision();
        return wisp.revisions(service.name).stream()
                .filter(r -> r.number() != null && r.number() < serving && !"failed".equals(r.state()))
                .map(Revision::number)
                .max(Comparator.naturalOrder())
                .orElseThrow(
                        () -> new IllegalArgumentException(service.name + " has no earlier revision to roll back to"));
    }
}
