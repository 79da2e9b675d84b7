package dev.wisp.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code wisp rm NAME}: deletes a service, its instances, snapshots and templates. */
@Command(name = "rm", description = "Delete a service: its instances stop, its snapshots and templates are deleted.")
final class RmCommand extends OutputCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Service name.")
    String name;

    @Mixin
    ApiOptions api;

    @Mixin
    TenantOption tenant;

    @Override
    public Integer call() {
        api.client(tenant.tenant).deleteService(name);
        out().println("deleted " + name);
        return 0;
    }
}
