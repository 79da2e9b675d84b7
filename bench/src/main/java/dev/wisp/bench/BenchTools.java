package dev.wisp.bench;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Host tools (buildah, skopeo, umoci, mkfs.ext4...) run to completion, their output kept for errors. */
final class BenchTools {
    private static final int ERROR_TAIL = 2000;

    private BenchTools() {}

    /** Runs {@code cmd} in {@code dir}; its stdout, or an IOException with the end of its output. */
    static String run(Path dir, Duration timeout, Map<String, String> env, List<String> cmd) throws IOException {
        Path out = Files.createTempFile("wisp-bench-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IOException(
                        cmd.get(0) + " cannot be started (scripts/install-deps --for-tests installs it): "
                                + e.getMessage(),
                        e);
            }
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(cmd.get(0) + " did not finish within " + timeout.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while running " + cmd.get(0));
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                String tail = text.length() > ERROR_TAIL ? text.substring(text.length() - ERROR_TAIL) : text;
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + tail.strip());
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String run(Path dir, Duration timeout, List<String> cmd) throws IOException {
        return run(dir, timeout, Map.of(), cmd);
    }
}
