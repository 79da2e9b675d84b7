package dev.wisp.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Request totals and latency buckets per service, read from the router's Prometheus series
 * ({@code wisp_router_requests_total}, {@code wisp_router_request_duration_seconds_bucket}); two
 * readings give a rate and a recent p99.
 */
final class RouterStats {
    /** Per service: requests answered so far, and cumulative latency buckets (upper bound in seconds to count). */
    record Totals(double requests, TreeMap<Double, Double> buckets) {}

    private final Map<String, Totals> byService;

    private RouterStats(Map<String, Totals> byService) {
        this.byService = byService;
    }

    /**
     * @param text        Prometheus text exposition
     * @param serviceOf   maps a series' labels to the API service it belongs to, or null to skip it
     */
    static RouterStats parse(String text, Function<Map<String, String>, String> serviceOf) {
        Map<String, Double> requests = new HashMap<>();
        Map<String, TreeMap<Double, Double>> buckets = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean isCount = line.startsWith("wisp_router_requests_total{");
            boolean isBucket = line.startsWith("wisp_router_request_duration_seconds_bucket{");
            if (!isCount && !isBucket) {
                continue;
            }
            int open = line.indexOf('{');
            int close = line.lastIndexOf('}');
            if (close < open) {
                continue;
            }
            Map<String, String> labels = labels(line.substring(open + 1, close));
            String service = serviceOf.apply(labels);
            if (service == null) {
                continue;
            }
            String[] rest = line.substring(close + 1).strip().split("\\s+");
            double value;
            try {
                value = Double.parseDouble(rest[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (isCount) {
                requests.merge(service, value, Double::sum);
            } else {
                String le = labels.get("le");
                if (le != null) {
                    double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    buckets.computeIfAbsent(service, k -> new TreeMap<>()).merge(bound, value, Double::sum);
                }
            }
        }
        Map<String, Totals> all = new LinkedHashMap<>();
        for (String s : requests.keySet()) {
            all.put(s, new Totals(requests.get(s), buckets.getOrDefault(s, new TreeMap<>())));
        }
        buckets.forEach((s, b) -> all.putIfAbsent(s, new Totals(0, b)));
        return new RouterStats(all);
    }

    static RouterStats empty() {
        return new RouterStats(Map.of());
    }

    /** Requests per second between {@code before} and this reading. */
    Double rps(RouterStats before, String service, double seconds) {
        Totals now = byService.get(service);
        if (now == null || seconds <= 0) {
            return null;
        }
        Totals then = before.byService.get(service);
        double delta = now.requests() - (then == null ? 0 : then.requests());
        return Math.max(0, delta) / seconds;
    }

    /** p99 latency in seconds of the requests answered between {@code before} and this reading; null if none. */
    Double p99(RouterStats before, String service) {
        Totals now = byService.get(service);
        if (now == null || now.buckets().isEmpty()) {
            return null;
        }
        Totals then = before.byService.get(service);
        TreeMap<Double, Double> delta = new TreeMap<>();
        now.buckets()
                .forEach((le, c) ->
                        delta.put(le, c - (then == null ? 0 : then.buckets().getOrDefault(le, 0.0))));
        double total = delta.lastEntry().getValue();
        if (total <= 0) {
            return null;
        }
        double rank = 0.99 * total;
        for (Map.Entry<Double, Double> e : delta.entrySet()) {
            if (e.getValue() >= rank) {
                return e.getKey();
            }
        }
        return delta.lastKey();
    }

    private static Map<String, String> labels(String s) {
        Map<String, String> m = new HashMap<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0 || eq + 1 >= s.length() || s.charAt(eq + 1) != '"') {
                break;
            }
            String key = s.substring(i, eq).strip();
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (j < s.length() && s.charAt(j) != '"') {
                if (s.charAt(j) == '\\' && j + 1 < s.length()) {
                    j++;
                }
                v.append(s.charAt(j));
                j++;
            }
            m.put(key, v.toString());
            i = j + 1;
            while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ')) {
                i++;
            }
        }
        return m;
    }
}
