package dev.wisp.cli;

import dev.wisp.oci.OciException;
import dev.wisp.runtime.InstanceFailedException;
import dev.wisp.sdk.WispApiException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import picocli.CommandLine;

/** Turns failures into one clear line on stderr and an exit code; no stack traces for users. */
final class Errors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private static final int CONSOLE_LINES_SHOWN = 12;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String message = ex instanceof WispApiException api
                ? firstLine(api.getMessage()) + " (" + api.code() + ")"
                : firstLine(ex.getMessage());
        err.println("wisp: " + message);
        List<String> tail = ex instanceof InstanceFailedException f
                ? f.consoleTail()
                : ex instanceof RevisionWait.FailedException r ? r.console() : List.of();
        if (!tail.isEmpty()) {
            err.println("  last console lines:");
            tail.subList(Math.max(0, tail.size() - CONSOLE_LINES_SHOWN), tail.size())
                    .forEach(l -> err.println("  | " + l));
        }
        if (System.getenv("WISP_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        if (ex instanceof OciException oci) {
            return switch (oci.kind()) {
                case INVALID -> Main.EXIT_USAGE;
                case NOT_FOUND -> Main.EXIT_NOT_FOUND;
                case UNAUTHORIZED -> Main.EXIT_UNAUTHORIZED;
                case UNAVAILABLE -> Main.EXIT_UNAVAILABLE;
            };
        }
        if (ex instanceof HostException) {
            return Main.EXIT_HOST;
        }
        if (ex instanceof NoTokenException) {
            return Main.EXIT_UNAUTHORIZED;
        }
        if (ex instanceof WispApiException api) {
            return exitCode(api);
        }
        if (ex instanceof UncheckedIOException) {
            // the API could not be reached or timed out: retrying later may work
            return Main.EXIT_UNAVAILABLE;
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

    /** The exit code for an API error; scripts branch on these (README, CLI section). */
    static int exitCode(WispApiException e) {
        return switch (e.status()) {
            case 400, 405, 413, 415 -> Main.EXIT_USAGE;
            case 401, 403 -> Main.EXIT_UNAUTHORIZED;
            case 404 -> Main.EXIT_NOT_FOUND;
            case 409, 422 -> Main.EXIT_CONFLICT;
            case 429, 502, 503, 504 -> Main.EXIT_UNAVAILABLE;
            default -> Main.EXIT_FAILED;
        };
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unexpected error (set WISP_DEBUG=1 for details)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** No API token was given and none was found where the CLI looks. */
    static final class NoTokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoTokenException(String message) {
            super(message);
        }
    }

    /** The host lacks a tool or a file Wisp needs; {@code wisp setup} usually fixes it. */
    static final class HostException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HostException(String message) {
            super(message);
        }
    }
}
