package dev.wisp.bench;

import dev.wisp.common.HeyOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One run of the {@code hey} load generator through the router, and what it measured. */
public final class HeyLoad {
    /** The key under which {@link Report#statuses()} counts transport failures (no HTTP status). */
    public static final int TRANSPORT_ERROR = -1;

    /**
     * Requests/s, latency percentiles in ms, status counts (failures under {@link #TRANSPORT_ERROR})
     * and hey's lines for the transport failures.
     */
    public record Report(
            double requestsPerSecond, double p50Ms, double p99Ms, Map<Integer, Integer> statuses, List<String> errors) {
        /** Every request hey finished, answered or not. */
        public int requests() {
            return statuses.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Requests that did not get a 200: other statuses and transport failures. */
        public int failed() {
            return requests() - statuses.getOrDefault(200, 0);
        }

        /** One line a person can read: {@code 4980 x 200, 3 x 502; hey: [2] Post "...": EOF}. */
        public String outcome() {
            StringBuilder b = new StringBuilder();
            statuses.forEach((code, n) -> b.append(b.isEmpty() ? "" : ", ")
                    .append(n)
                    .append(" x ")
                    .append(code == TRANSPORT_ERROR ? "transport error" : String.valueOf(code)));
            if (b.isEmpty()) {
                b.append("no responses");
            }
            if (!errors.isEmpty()) {
                b.append("; hey: ").append(String.join("; ", errors));
            }
            return b.toString();
        }
    }

    /** hey is not installed: the host lacks something, not the run. */
    public static final class MissingHey extends IOException {
        MissingHey(IOException cause) {
            super("cannot run hey, the load generator (apt-get install hey, or scripts/install-deps)", cause);
        }
    }

    private HeyLoad() {}

    /** POSTs {@code jsonBody} for {@code seconds} over {@code connections} connections. */
    static Report post(int routerPort, String host, String path, Path jsonBody, int seconds, int connections)
            throws IOException, InterruptedException {
        return run(
                routerPort,
                host,
                path,
                List.of(
                        "-z",
                        seconds + "s",
                        "-c",
                        String.valueOf(connections),
                        "-m",
                        "POST",
                        "-T",
                        "application/json",
                        "-D",
                        jsonBody.toString()));
    }

    /** Runs hey with {@code options} (count or duration, concurrency, method...) against {@code host} via the router. */
    public static Report run(int routerPort, String host, String path, List<String> options)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("-host", host));
        cmd.addAll(options);
        return direct("http://127.0.0.1:" + routerPort + path, cmd);
    }

    /** Runs hey with {@code options} straight at {@code url} (no router, no Host header of its own). */
    public static Report direct(String url, List<String> options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("hey", "-t", "60"));
        cmd.addAll(options);
        cmd.add(url);
        String out = runHey(cmd);
        HeyOutput h = HeyOutput.parse(out);
        Map<Integer, Integer> statuses = new TreeMap<>(h.statuses());
        if (!h.errors().isEmpty()) {
            statuses.put(TRANSPORT_ERROR, h.errorCount());
        }
        return new Report(h.requestsPerSecond(), 1000 * h.p50Seconds(), 1000 * h.p99Seconds(), statuses, h.errors());
    }

    /**
     * hey's per-request rows ({@code -o csv}): the latencies of the answers with a 200 (ms,
     * sorted) and how many others there were. hey's own percentiles need 100 answers; these are
     * read by nearest rank over every request.
     */
    public record Samples(List<Double> okMs, int failed) {
        public Samples {
            okMs = okMs.stream().sorted().toList();
        }

        /** The q-quantile (0..1) of the 200s' latencies by nearest rank, NaN without any. */
        public double quantileMs(double q) {
            if (okMs.isEmpty()) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(q * okMs.size()) - 1;
            return okMs.get(Math.max(0, Math.min(okMs.size() - 1, i)));
        }

        /** Both sets of rows as one. */
        public Samples plus(Samples other) {
            List<Double> all = new ArrayList<>(okMs);
            all.addAll(other.okMs);
            return new Samples(all, failed + other.failed);
        }

        /** Every request hey finished. */
        public int requests() {
            return okMs.size() + failed;
        }
    }

    /** Runs hey with {@code options} through the router, reading its per-request rows. */
    public static Samples samples(int routerPort, String host, String path, List<String> options)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("hey", "-host", host));
        cmd.addAll(options);
        cmd.addAll(List.of("-o", "csv", "http://127.0.0.1:" + routerPort + path));
        return parseCsv(runHey(cmd));
    }

    /** hey's output, or why it failed. */
    static String runHey(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new MissingHey(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("hey failed: " + out.strip());
        }
        return out;
    }

    /** hey's {@code -o csv}: a header, then {@code response-time,...,status-code,offset} per request (seconds). */
    static Samples parseCsv(String csv) {
        List<Double> ok = new ArrayList<>();
        int failed = 0;
        for (String line : csv.split("\n")) {
            String[] f = line.strip().split(",");
            if (f.length < 8 || f[0].isEmpty() || !Character.isDigit(f[0].charAt(0))) {
                continue;
            }
            if ("200".equals(f[6])) {
                ok.add(Double.parseDouble(f[0]) * 1000);
            } else {
                failed++;
            }
        }
        return new Samples(ok, failed);
    }
}
