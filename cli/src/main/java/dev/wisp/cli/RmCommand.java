package dev.wisp.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code wisp rm NAME}: deletes a service, its instances, snapshots and templates. */
@Command(name = "rm", description = "Delete a service: its instances stop, its snapshots and templates are deleted.")
final class RmCommand extends TenantApiCommand {
    @Parameters(paramLabel = "NAME", description = "Service name.")
    String name;

    @Override
    public Integer call() {
        api.client().deleteService(name);
        out().println("deleted " + name);
        return 0;
    }
}
