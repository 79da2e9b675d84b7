package dev.wisp.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the {@code hey} load generator's text report says, for the benchmarks and the tests that
 * drive real load.
 *
 * @param statuses          HTTP status to responses with it
 * @param errors            hey's transport failures, one line each: {@code [COUNT] message}
 * @param errorCount        requests that got no HTTP answer (the sum of the errors' counts)
 * @param requestsPerSecond NaN when the report has none
 * @param p50Seconds        the median latency, NaN when the report has none
 * @param p99Seconds        the 99th percentile latency, NaN when the report has none
 */
public record HeyOutput(
        Map<Integer, Integer> statuses,
        List<String> errors,
        int errorCount,
        double requestsPerSecond,
        double p50Seconds,
        double p99Seconds) {
    private static final Pattern STATUS = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses");
    // hey lists transport failures under "Error distribution:" as "[N]\t<message>".
    private static final Pattern ERROR = Pattern.compile("\\[(\\d+)]\\s+(\\S.*)");

    /** Parses hey's report as it prints it to stdout. */
    public static HeyOutput parse(String out) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        Matcher m = STATUS.matcher(out);
        while (m.find()) {
            statuses.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        List<String> errors = new ArrayList<>();
        int errorCount = 0;
        int at = out.indexOf("Error distribution:");
        if (at >= 0) {
            Matcher e = ERROR.matcher(out.substring(at));
            while (e.find()) {
                errorCount += Integer.parseInt(e.group(1));
                errors.add("[" + e.group(1) + "] " + e.group(2).strip());
            }
        }
        return new HeyOutput(
                statuses,
                List.copyOf(errors),
                errorCount,
                number(out, "Requests/sec:\\s+([0-9.]+)"),
                number(out, "50%+ in ([0-9.]+) secs"),
                number(out, "99%+ in ([0-9.]+) secs"));
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
