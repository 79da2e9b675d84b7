package dev.wisp.bench;

import dev.wisp.bench.RouterBenchmark.WrkRun;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads wrk's text output (run with {@code --latency}) into a {@link WrkRun}; used by {@link WrkCommand}. */
final class WrkOutput {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PCT =
            Pattern.compile("^\\s*(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s|m|h)\\s*$", Pattern.MULTILINE);
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ");
    private static final Pattern SOCKET =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private WrkOutput() {}

    static WrkRun parse(String out) {
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IllegalArgumentException("no Requests/sec in wrk output:\n" + out);
        }
        double rps = Double.parseDouble(m.group(1));
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher p = PCT.matcher(out);
        while (p.find()) {
            double v = toMillis(Double.parseDouble(p.group(2)), p.group(3));
            if (p.group(1).equals("50")) {
                p50 = v;
            } else {
                p99 = v;
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new IllegalArgumentException("no latency distribution (--latency?):\n" + out);
        }
        Matcher t = TOTAL.matcher(out);
        long total = t.find() ? Long.parseLong(t.group(1)) : 0;
        long socket = 0;
        Matcher s = SOCKET.matcher(out);
        if (s.find()) {
            for (int i = 1; i <= 4; i++) {
                socket += Long.parseLong(s.group(i));
            }
        }
        Matcher n = NON2XX.matcher(out);
        long non2xx = n.find() ? Long.parseLong(n.group(1)) : 0;
        return new WrkRun(rps, p50, p99, total, socket, non2xx);
    }

    private static double toMillis(double v, String unit) {
        return switch (unit) {
            case "us" -> v / 1000.0;
            case "ms" -> v;
            case "s" -> v * 1000.0;
            case "m" -> v * 60_000.0;
            default -> v * 3_600_000.0;
        };
    }
}
