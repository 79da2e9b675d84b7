package dev.wisp.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A burst of GETs through the router with {@code hey}, and what hey counted. */
final class DemoBurst {
    /** Status code counts (transport errors under 0), requests/s and the 99th percentile in ms. */
    record Result(Map<Integer, Integer> statuses, double requestsPerSecond, double p99Millis) {
        int ok() {
            return statuses.getOrDefault(200, 0);
        }

        int total() {
            return statuses.values().stream().mapToInt(Integer::intValue).sum();
        }

        String counts() {
            StringBuilder b = new StringBuilder();
            statuses.forEach((code, n) -> b.append(b.isEmpty() ? "" : ", ").append(n).append(" x ")
                    .append(code < 0 ? "error" : String.valueOf(code)));
            return b.toString();
        }
    }

    private DemoBurst() {
    }

    static Result run(String service, int routerPort, String path, int requests, int concurrency)
            throws InterruptedException {
        List<String> cmd = List.of("hey", "-n", String.valueOf(requests), "-c", String.valueOf(concurrency), "-t", "60",
                "-host", service + ".localhost", "http://127.0.0.1:" + routerPort + path);
        String out;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("hey failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new Errors.HostException("cannot run hey, the load generator (apt-get install hey, or scripts/install-deps)");
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        Matcher m = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses").matcher(out);
        while (m.find()) {
            statuses.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        // hey lists transport failures under "Error distribution:" as "[N]\t<message>".
        int errorsAt = out.indexOf("Error distribution:");
        if (errorsAt >= 0) {
            Matcher e = Pattern.compile("\\[(\\d+)]\\s+\\S").matcher(out.substring(errorsAt));
            int errors = 0;
            while (e.find()) {
                errors += Integer.parseInt(e.group(1));
            }
            statuses.put(-1, errors);
        }
        return new Result(statuses, number(out, "Requests/sec:\\s+([0-9.]+)"), 1000 * number(out, "99%+ in ([0-9.]+) secs"));
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
