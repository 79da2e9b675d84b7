package dev.wisp.cli;

import picocli.CommandLine.Option;

/** {@code --tenant}: lets an admin token act on another tenant's services and images. */
final class TenantOption {
    @Option(names = "--tenant", paramLabel = "NAME", description = "With an admin token: act on this tenant (default: the token's own).")
    String tenant;
}
