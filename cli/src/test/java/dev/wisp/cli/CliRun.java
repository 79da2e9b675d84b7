package dev.wisp.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code wisp ...} in-process as a user would type it, capturing stdout, stderr and the exit code. */
record CliRun(int code, String out, String err) {
    static CliRun wisp(String... args) {
        return wisp(List.of(), args);
    }

    /** {@code wisp ARGS COMMON}: {@code common} (e.g. --api and --token-file) go after the command's own arguments. */
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

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
