package dev.wisp.cli;

import picocli.CommandLine.Option;

/** {@code --rounds} and {@code --seconds} of the benchmarks that compare two sides under the same load. */
final class LoadRounds {
    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = "Measured rounds per side (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per round (default: ${DEFAULT-VALUE}).")
    int seconds;
}
