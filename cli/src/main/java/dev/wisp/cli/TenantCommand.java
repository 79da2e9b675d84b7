package dev.wisp.cli;

import dev.wisp.sdk.WispClient;
import picocli.CommandLine.Mixin;

/** Base of commands that call the API for a tenant: {@link ApiCommand}'s options and {@code --tenant}. */
abstract class TenantCommand extends ApiCommand {
    @Mixin
    TenantOption tenant;

    /** A client acting for {@code --tenant}, or for the token's own tenant. */
    WispClient client() {
        return api.client(tenant.tenant);
    }
}
