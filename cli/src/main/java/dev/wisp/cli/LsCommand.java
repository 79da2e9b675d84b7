package dev.wisp.cli;

import dev.wisp.sdk.Service;
import dev.wisp.sdk.TierCounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code wisp ls}: the tenant's services, their serving revision and instances per tier. */
@Command(name = "ls", description = "List services.")
final class LsCommand extends TenantApiCommand {
    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        json.table(
                out(),
                api.client().services(),
                new Table("NAME", "REVISION", "READY", "RUNNING", "PAUSED", "SNAPSHOTTED", "URL"),
                (t, s) -> {
                    TierCounts c = s.status() == null ? null : s.status().instances();
                    t.row(
                            s.name(),
                            revisionText(s),
                            s.status() == null ? null : yesNo(s.status().ready()),
                            c == null ? null : c.running(),
                            c == null ? null : c.paused(),
                            c == null ? null : c.snapshotted(),
                            s.url());
                });
        return 0;
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
