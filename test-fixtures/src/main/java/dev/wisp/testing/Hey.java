package dev.wisp.testing;

import dev.wisp.common.HeyOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real load from {@code hey} against a service behind a router (by Host header), and what hey reported. */
public final class Hey {
    /** Status codes with their counts, the error lines hey printed, its requests/s and its whole output. */
    public record Report(Map<Integer, Integer> statuses, List<String> errors, double requestsPerSecond, String raw) {
        public int count(int status) {
            return statuses.getOrDefault(status, 0);
        }
    }

    private Hey() {}

    /**
     * GETs (or whatever {@code options} say) {@code path} of the service at {@code host} via the
     * router on {@code port} until hey is done; 60 s per-request timeout.
     */
    public static Report run(int port, String host, String path, String... options)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("hey", "-host", host, "-t", "60"));
        cmd.addAll(List.of(options));
        cmd.add("http://127.0.0.1:" + port + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return parse(out);
    }

    /**
     * Starts 4 connections of GETs to {@code /} of {@code host} via the router on {@code port}
     * for up to 300 s, until {@link Load#stop()}. The per-request timeout is 120 s, not 20: on a
     * shared 2-core host a warm-template boot under TCG starves the serving VM for seconds; slow
     * is not failed.
     */
    public static Load start(int port, String host) throws IOException {
        Process p = new ProcessBuilder(
                        "hey", "-z", "300s", "-c", "4", "-t", "120", "-host", host, "http://127.0.0.1:" + port + "/")
                .redirectErrorStream(true)
                .start();
        return new Load(p);
    }

    /** hey's text report, parsed. */
    static Report parse(String out) {
        HeyOutput h = HeyOutput.parse(out);
        double rps = h.requestsPerSecond();
        return new Report(h.statuses(), h.errors(), Double.isNaN(rps) ? 0 : rps, out);
    }

    /** A running hey. */
    public record Load(Process process) {
        /** Interrupts hey (it prints its report on SIGINT) and returns the report's text. */
        public String stop() throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                    .start()
                    .waitFor();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return out;
        }
    }
}
