package dev.wisp.cli;

import dev.wisp.sdk.Service;
import dev.wisp.sdk.TierCounts;
import dev.wisp.sdk.WispClient;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Command;

/** {@code wisp ls}: the tenant's services, their serving revision and instances per tier. */
@Command(name = "ls", description = "List services.")
final class LsCommand extends ListCommand<Service> {
    LsCommand() {
        super(new TenantApiOptions(), "NAME", "REVISION", "READY", "RUNNING", "PAUSED", "SNAPSHOTTED", "URL");
    }

    @Override
    List<Service> items(WispClient wisp) {
        return wisp.services();
    }

    @Override
    Object[] cells(Service s) {
        TierCounts c = Objects.requireNonNullElse(
                s.status() == null ? null : s.status().instances(), new TierCounts(null, null, null));
        String ready = s.status() == null ? null : yesNo(s.status().ready());
        return new Object[] {s.name(), revisionText(s), ready, c.running(), c.paused(), c.snapshotted(), s.url()};
    }

    static String revisionText(Service s) {
        if (s.revision() == null) {
            return null;
        }
        return s.latestRevision() != null && !s.latestRevision().equals(s.revision())
                ? s.revision() + " (latest " + s.latestRevision() + ")"
                : s.revision().toString();
    }

    static String yesNo(Boolean b) {
        return b == null ? null : b ? "yes" : "no";
    }
}
