package dev.wisp.cli;

import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** A command on tenants or tokens through the control plane's API: it needs an admin token ({@link ApiOptions}). */
abstract class AdminApiCommand extends OutputCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;
}
