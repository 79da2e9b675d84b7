package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractStringAssert;
import picocli.CommandLine;

/** Runs {@code wisp ...} in-process as a user would type it, capturing stdout, stderr and the exit code. */
record CliRun(int code, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code wisp ARGS} with no common flags. */
    static CliRun wisp(String... args) {
        return wisp(List.of(), args);
    }

    static CliRun wisp(List<String> common, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(all.toArray(String[]::new));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Stdout as JSON (a command run with {@code --json}). */
    JsonNode json() {
        return parseJson(out);
    }

    static JsonNode parseJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Asserts exit 0 (the run is in the message otherwise). */
    CliRun ok() {
        assertThat(code).as(toString()).isZero();
        return this;
    }

    /** Asserts exit 2, bad usage or input, and gives stderr to assert on. */
    AbstractStringAssert<?> refused() {
        assertThat(code).as(toString()).isEqualTo(Main.EXIT_USAGE);
        return assertThat(err);
    }

    /** {@link #refused()} with one line on stderr, {@code wisp: ...}: the error, no stack trace or usage. */
    AbstractStringAssert<?> refusedInOneLine() {
        assertThat(code).as(toString()).isEqualTo(Main.EXIT_USAGE);
        return assertThat(err.strip()).startsWith("wisp: ").doesNotContain("\n");
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
