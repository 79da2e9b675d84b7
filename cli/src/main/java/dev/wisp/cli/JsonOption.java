package dev.wisp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** {@code --json}: a command's result as JSON instead of the text people read. */
final class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean on;

    /** With {@code --json} prints {@code value} in the API's shapes (nulls left out) and says so; else leaves it to the caller. */
    boolean printed(PrintWriter out, Object value) {
        if (on) {
            out.println(Json.pretty(value));
        }
        return on;
    }

    /** A list from the API: with {@code --json} as JSON, else as {@code table} with the row {@code row} adds for each item. */
    <T> void table(PrintWriter out, List<T> items, Table table, BiConsumer<Table, T> row) {
        if (!printed(out, items)) {
            items.forEach(item -> row.accept(table, item));
            table.print(out);
        }
    }

    /** A result made here (a benchmark's, a local image's): JSON with every field, or the text {@code text} makes of it. */
    <R> void print(PrintWriter out, R result, Function<R, String> text) throws JsonProcessingException {
        out.print(on ? ImageCommand.JSON.writeValueAsString(result) + "\n" : text.apply(result));
    }
}
