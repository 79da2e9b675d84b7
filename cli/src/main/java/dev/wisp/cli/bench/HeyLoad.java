package dev.wisp.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One run of the {@code hey} load generator POSTing a JSON body through the router, and what it measured. */
final class HeyLoad {
    /** Requests/s, latency percentiles in ms, status counts and hey's own words. */
    record Report(double requestsPerSecond, double p50Ms, double p99Ms, Map<Integer, Integer> statuses, String raw) {
        boolean allOk() {
            return statuses.size() == 1 && statuses.containsKey(200) && !raw.contains("Error distribution:");
        }
    }

    private HeyLoad() {
    }

    static Report post(int routerPort, String host, String path, Path jsonBody, int seconds, int connections)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("hey", "-host", host, "-t", "60", "-z", seconds + "s",
                "-c", String.valueOf(connections), "-m", "POST", "-T", "application/json", "-D", jsonBody.toString(),
                "http://127.0.0.1:" + routerPort + path));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run hey, the load generator (apt-get install hey, or scripts/install-deps)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("hey failed: " + out.strip());
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        Matcher m = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses").matcher(out);
        while (m.find()) {
            statuses.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        return new Report(number(out, "Requests/sec:\\s+([0-9.]+)"), 1000 * number(out, "50%+ in ([0-9.]+) secs"),
                1000 * number(out, "99%+ in ([0-9.]+) secs"), statuses, out);
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
