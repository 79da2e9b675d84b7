package dev.wisp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command on one tenant's services or images through the control plane's API ({@link TenantApiOptions}). */
abstract class TenantApiCommand extends OutputCommand implements Callable<Integer> {
    @Mixin
    TenantApiOptions api;
}
