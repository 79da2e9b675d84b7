package dev.wisp.cli;

import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** Base of commands that call the control plane's API: {@code --api} and {@code --token(-file)}. */
abstract class ApiCommand extends OutputCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;
}
