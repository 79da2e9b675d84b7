package dev.wisp.cli;

import dev.wisp.runtime.InstanceFailedException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;

/** Turns failures into one clear line on stderr and an exit code; no stack traces for users. */
final class Errors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private static final int CONSOLE_LINES_SHOWN = 12;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        err.println("wisp: " + firstLine(ex.getMessage()));
        if (ex instanceof InstanceFailedException f && !f.consoleTail().isEmpty()) {
            List<String> tail = f.consoleTail();
            err.println("  last console lines:");
            tail.subList(Math.max(0, tail.size() - CONSOLE_LINES_SHOWN), tail.size())
                    .forEach(l -> err.println("  | " + l));
        }
        if (System.getenv("WISP_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        if (ex instanceof HostException) {
            return Main.EXIT_HOST;
        }
        return ex instanceof IllegalArgumentException ? Main.EXIT_USAGE : Main.EXIT_FAILED;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("wisp: " + ex.getMessage());
        err.println("  (see: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
        err.flush();
        return Main.EXIT_USAGE;
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unexpected error (set WISP_DEBUG=1 for details)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The host lacks a tool or a file Wisp needs; {@code wisp setup} usually fixes it. */
    static final class HostException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HostException(String message) {
            super(message);
        }
    }
}
