package dev.wisp.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of commands that print: they write to picocli's streams, so tests and embedders can capture them. */
abstract class OutputCommand {
    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Progress lines on stderr, each flushed: a long run shows where it is. */
    final Consumer<String> progress() {
        return line -> {
            err().println(line);
            err().flush();
        };
    }
}
