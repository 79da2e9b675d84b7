package dev.wisp.cli;

import dev.wisp.sdk.WispClient;
import picocli.CommandLine.Option;

/** {@link ApiOptions} and {@code --tenant}: where the control plane is, who we are, and whose services and images. */
final class TenantApiOptions extends ApiOptions {
    @Option(
            names = "--tenant",
            paramLabel = "NAME",
            description = "With an admin token: act on this tenant (default: the token's own).")
    String tenant;

    @Override
    WispClient.Builder clientBuilder() {
        return super.clientBuilder().tenant(tenant);
    }
}
