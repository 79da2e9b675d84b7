package dev.wisp.functions;

import java.util.Locale;

/** How a function's handler runs in its guest. */
public enum FunctionRuntime {
    /** A busybox sh script, run once per request by Wisp's function server (CGI contract). */
    SHELL,
    /** A static executable with the same contract as {@link #SHELL}. */
    BINARY,
    /** A jar with a {@code dev.wisp.function.Function}, served by a warm JVM cloned from a snapshot. */
    JAVA;

    /** Parses {@code shell}, {@code binary} or {@code java}. */
    public static FunctionRuntime parse(String s) {
        return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
            case "shell" -> SHELL;
            case "binary" -> BINARY;
            case "java" -> JAVA;
            default -> throw new IllegalArgumentException("runtime must be shell, binary or java, got '" + s + "'");
        };
    }

    /** Lower-case name, as the CLI and API spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
