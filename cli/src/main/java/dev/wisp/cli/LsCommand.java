package dev.wisp.cli;

import dev.wisp.sdk.Service;
import dev.wisp.sdk.TierCounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code wisp ls}: the tenant's services, their serving revision and instances per tier. */
@Command(name = "ls", description = "List services.")
final class LsCommand extends TenantCommand {
    @Option(names = "--json", description = "Print the services as JSON (the API's shape).")
    boolean json;

    @Override
    public Integer call() {
        List<Service> services = client().services();
        if (json) {
            out().println(Json.pretty(services));
            return 0;
        }
        Table t = new Table("NAME", "REVISION", "READY", "RUNNING", "PAUSED", "SNAPSHOTTED", "URL");
        for (Service s : services) {
            TierCounts c = s.status() == null ? null : s.status().instances();
            t.row(s.name(), revisionText(s), s.status() == null ? null : yesNo(s.status().ready()),
                    c == null ? null : c.running(), c == null ? null : c.paused(), c == null ? null : c.snapshotted(), s.url());
        }
        t.print(out());
        return 0;
    }

    static String revisionText(Service s) {
        if (s.revision() == null) {
            return null;
        }
        return s.latestRevision() != null && !s.latestRevision().equals(s.revision())
                ? s.revision() + " (latest " + s.latestRevision() + ")" : s.revision().toString();
    }

    static String yesNo(Boolean b) {
        return b == null ? null : b ? "yes" : "no";
    }
}
