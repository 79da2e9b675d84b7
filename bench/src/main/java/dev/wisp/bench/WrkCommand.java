package dev.wisp.bench;

import dev.wisp.bench.RouterBenchmark.WrkRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One wrk child process for {@link RouterBenchmark}: runs it with {@code --latency} and parses its output. */
final class WrkCommand {
    private WrkCommand() {}

    /** @param host Host header to send, or null for the URL's */
    static WrkRun run(String wrkPath, String url, String host, int threads, int connections, int seconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                wrkPath, "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", "--timeout", "5s"));
        if (host != null) {
            cmd.addAll(List.of("-H", "Host: " + host));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("wrk failed (" + p.exitValue() + "): " + text);
        }
        WrkRun run = WrkOutput.parse(text);
        if (run.socketErrors() > 0 || run.non2xx3xx() > 0) {
            System.err.println("wrk " + url + " reported errors:\n" + text);
        }
        return run;
    }
}
