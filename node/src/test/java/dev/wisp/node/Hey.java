package dev.wisp.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real load from {@code hey} against a service behind a node's router, and what hey reported.
 * Public for the example tests in {@code dev.wisp.node.examples}.
 */
public final class Hey {
    /** Status codes with their counts, the error lines hey printed, its requests/s and its whole output. */
    public record Report(Map<Integer, Integer> statuses, List<String> errors, double requestsPerSecond, String raw) {
        public int count(int status) {
            return statuses.getOrDefault(status, 0);
        }
    }

    private Hey() {
    }

    /** GETs (or whatever {@code options} say) {@code path} of the service at {@code host} via the router on {@code port}. */
    public static Report run(int port, String host, String path, String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("hey", "-host", host, "-t", "60"));
        cmd.addAll(List.of(options));
        cmd.add("http://127.0.0.1:" + port + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Matcher m = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses").matcher(out);
        while (m.find()) {
            statuses.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        List<String> errors = new ArrayList<>();
        int at = out.indexOf("Error distribution:");
        if (at >= 0) {
            out.substring(at).lines().skip(1).map(String::strip).filter(l -> !l.isEmpty()).forEach(errors::add);
        }
        Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        return new Report(statuses, errors, rps.find() ? Double.parseDouble(rps.group(1)) : 0, out);
    }
}
