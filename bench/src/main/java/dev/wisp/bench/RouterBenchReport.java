package dev.wisp.bench;

import dev.wisp.bench.RouterBenchmark.Result;
import dev.wisp.bench.RouterBenchmark.Target;
import dev.wisp.bench.RouterBenchmark.WrkRun;
import java.util.List;
import java.util.Locale;

/** The human-readable text of a {@link RouterBenchmark} result: a table of both proxies and the ratios. */
final class RouterBenchReport {
    private RouterBenchReport() {}

    static String of(Result r) {
        RouterBenchmark.Options options = r.options();
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "wisp bench router: %d rounds x %ds, wrk -t%d -c%d, %d proxy thread(s), router on %s, backend: %s%n",
                options.rounds(),
                options.roundSeconds(),
                options.wrkThreads(),
                options.connections(),
                options.proxyThreads(),
                r.routerTransport(),
                r.backend()));
        b.append(String.format(
                Locale.ROOT,
                "%-8s %12s %10s %10s %8s   (rps/p50/p99 per round)%n",
                "",
                "req/s",
                "p50 ms",
                "p99 ms",
                "errors"));
        for (Target t : List.of(r.router(), r.nginx())) {
            b.append(String.format(
                    Locale.ROOT,
                    "%-8s %12.0f %10.3f %10.3f %8d   rounds:",
                    t.name(),
                    t.requestsPerSecond(),
                    t.p50Millis(),
                    t.p99Millis(),
                    t.socketErrors() + t.non2xx3xx()));
            for (WrkRun w : t.rounds()) {
                b.append(String.format(
                        Locale.ROOT, " %.0f/%.2f/%.2f", w.requestsPerSecond(), w.p50Millis(), w.p99Millis()));
            }
            b.append(System.lineSeparator());
        }
        b.append(String.format(
                Locale.ROOT,
                "router/nginx: rps x%.2f, p50 x%.2f, p99 x%.2f (%.1f s)%n",
                r.rpsRatio(),
                r.p50Ratio(),
                r.p99Ratio(),
                r.elapsedMillis() / 1000.0));
        return b.toString();
    }
}
