package dev.wisp.bench;

import dev.wisp.bench.RouterBenchmark.Result;
import dev.wisp.bench.RouterBenchmark.Target;
import dev.wisp.bench.RouterBenchmark.WrkRun;
import java.util.Formatter;
import java.util.List;
import java.util.Locale;

/** The human-readable text of a {@link RouterBenchmark} result: a table of both proxies and the ratios. */
final class RouterBenchReport {
    private RouterBenchReport() {}

    static String of(Result r) {
        RouterBenchmark.Options options = r.options();
        Formatter out = new Formatter(Locale.ROOT);
        out.format(
                "wisp bench router: %d rounds x %ds, wrk -t%d -c%d, %d proxy thread(s), router on %s, backend: %s%n",
                options.rounds(),
                options.roundSeconds(),
                options.wrkThreads(),
                options.connections(),
                options.proxyThreads(),
                r.routerTransport(),
                r.backend());
        // the last column is each round's rps/p50/p99, so its header says what the figures are
        Columns columns = new Columns(
                "",
                "%-8s",
                "req/s",
                "%12.0f",
                "p50 ms",
                "%10.3f",
                "p99 ms",
                "%10.3f",
                "errors",
                "%8d",
                "  (rps/p50/p99 per round)",
                "%s");
        out.format("%s%n", columns.header());
        for (Target t : List.of(r.router(), r.nginx())) {
            StringBuilder rounds = new StringBuilder("  rounds:");
            for (WrkRun w : t.rounds()) {
                rounds.append(String.format(
                        Locale.ROOT, " %.0f/%.2f/%.2f", w.requestsPerSecond(), w.p50Millis(), w.p99Millis()));
            }
            out.format(
                    "%s%n",
                    columns.row(
                            t.name(),
                            t.requestsPerSecond(),
                            t.p50Millis(),
                            t.p99Millis(),
                            t.socketErrors() + t.non2xx3xx(),
                            rounds));
        }
        out.format(
                "router/nginx: rps x%.2f, p50 x%.2f, p99 x%.2f (%.1f s)%n",
                r.rpsRatio(), r.p50Ratio(), r.p99Ratio(), r.elapsedMillis() / 1000.0);
        return out.toString();
    }
}
