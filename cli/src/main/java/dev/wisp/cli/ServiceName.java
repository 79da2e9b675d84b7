package dev.wisp.cli;

import picocli.CommandLine.Parameters;

/** The one service a command acts on, named first ({@code wisp status NAME}, {@code wisp scale NAME}, ...). */
final class ServiceName {
    @Parameters(index = "0", paramLabel = "NAME", description = "Service name.")
    String name;
}
