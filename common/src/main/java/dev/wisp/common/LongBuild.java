package dev.wisp.common;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs one long build command (a kernel's {@code make}, QEMU's {@code ninja}) to completion with a
 * progress line every 30 s, keeping its last 40 lines for the error: the build tools Wisp drives
 * itself ({@code wisp setup --kernel wisp}, {@code --vmm wisp}).
 */
public final class LongBuild {
    /** How often a running build reports how far it got. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    /** Lines of output kept for the error. */
    static final int TAIL = 40;

    private LongBuild() {}

    /** A build that exited non-zero; the message is the compiler's first error among the last lines. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message one line naming what failed and why */
        public Failure(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code cmd} in {@code dir}, output and errors merged.
     *
     * @param counts which output lines are one unit of work (a file compiled), counted in the progress lines
     * @param progress receives a line every 30 s and, on failure, the last 40 lines
     * @throws Failure naming {@code what} and the first error when it exits non-zero
     */
    public static void run(
            String what,
            Path dir,
            Map<String, String> env,
            List<String> cmd,
            Predicate<String> counts,
            Consumer<String> progress)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        long started = System.nanoTime();
        long nextReport = started + PROGRESS_EVERY.toNanos();
        int done = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (counts.test(line)) {
                    done++;
                }
                tail.addLast(line);
                if (tail.size() > TAIL) {
                    tail.removeFirst();
                }
                if (System.nanoTime() >= nextReport) {
                    progress.accept(what + ": " + seconds(started) + " s" + (done > 0 ? ", " + done + " files" : ""));
                    nextReport = System.nanoTime() + PROGRESS_EVERY.toNanos();
                }
            }
            int code = p.waitFor();
            if (code != 0) {
                // The last lines go to the progress stream (a CI log) before the one-line error.
                progress.accept(what + " exited with " + code + "; its last " + tail.size() + " lines:");
                tail.forEach(l -> progress.accept("  | " + l));
                throw new Failure(what + " failed: " + firstError(new ArrayList<>(tail), code));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        progress.accept(what + " done in " + seconds(started) + " s" + (done > 0 ? ", " + done + " files" : ""));
    }

    /** The compiler's first error among the last lines, else the last line. */
    public static String firstError(List<String> tail, int code) {
        return tail.stream()
                .filter(l -> l.contains("error:") || l.contains("Error "))
                .findFirst()
                .or(() -> tail.isEmpty() ? Optional.empty() : Optional.of(tail.get(tail.size() - 1)))
                .map(String::strip)
                .orElse("exit code " + code);
    }

    /** The packages of the tools (tool name to Debian package) not on {@code PATH}, sorted. */
    public static List<String> missingPackages(Map<String, String> tools) {
        return tools.entrySet().stream()
                .filter(t -> !onPath(t.getKey()))
                .map(Map.Entry::getValue)
                .distinct()
                .sorted()
                .toList();
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static long seconds(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
    }
}
