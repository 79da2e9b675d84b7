package dev.wisp.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Requests to a service through the router with {@code curl}, as a user would type them
 * ({@code curl http://hello.localhost:PORT/...}: curl resolves {@code *.localhost} itself); the
 * latency is curl's own {@code time_total}, so it is what a client saw.
 */
final class DemoCurl {
    /** One answer: HTTP status (0 when curl got none), body and client-side milliseconds. */
    record Answer(int status, String body, double millis) {
        boolean ok() {
            return status == 200;
        }

        /** The whoami line's instance id, or "" for another answer. */
        String instance() {
            String[] words = body.strip().split("[ ,]+");
            return words.length > 1 && "instance".equals(words[0]) ? words[1] : "";
        }
    }

    private static final String MARK = "\n@@wisp-demo ";

    private final String url;

    DemoCurl(String service, int routerPort, String path) {
        this.url = "http://" + service + ".localhost:" + routerPort + path;
    }

    String url() {
        return url;
    }

    Answer get() {
        List<String> cmd =
                List.of("curl", "-s", "--max-time", "60", "-o", "-", "-w", MARK + "%{http_code} %{time_total}", url);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(70, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            int at = out.lastIndexOf(MARK);
            if (at < 0) {
                return new Answer(0, out, 0);
            }
            String[] tail = out.substring(at + MARK.length()).strip().split(" ");
            return new Answer(Integer.parseInt(tail[0]), out.substring(0, at), Double.parseDouble(tail[1]) * 1000);
        } catch (IOException e) {
            throw new Errors.HostException(
                    "cannot run curl (apt-get install curl, or scripts/install-deps): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "interrupted", 0);
        } catch (RuntimeException e) {
            return new Answer(0, String.valueOf(e.getMessage()), 0);
        }
    }
}
