package dev.wisp.cli;

import dev.wisp.sdk.WispClient;
import picocli.CommandLine.Command;

/** {@code wisp rm NAME...}: deletes services, their instances, snapshots and templates. */
@Command(name = "rm", description = "Delete services: their instances stop, their snapshots and templates are deleted.")
final class RmCommand extends DeleteCommand {
    RmCommand() {
        super(new TenantApiOptions(), "deleted", WispClient::deleteService);
    }
}
