package dev.wisp.cli;

import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** A command on one tenant's services or images through the control plane's API ({@link TenantApiOptions}). */
abstract class TenantApiCommand extends OutputCommand implements Callable<Integer> {
    @Mixin
    TenantApiOptions api;
}
