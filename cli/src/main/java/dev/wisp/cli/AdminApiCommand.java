package dev.wisp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command on tenants or tokens through the control plane's API: it needs an admin token ({@link ApiOptions}). */
abstract class AdminApiCommand extends OutputCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;
}
