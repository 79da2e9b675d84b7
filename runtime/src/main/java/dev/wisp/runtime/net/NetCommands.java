package dev.wisp.runtime.net;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code ip}, {@code nft} and {@code sh} for the TAP network; a failure is one line with the tool's own words. */
final class NetCommands {
    private NetCommands() {}

    /** Runs {@code command} with {@code stdin} (may be empty) and returns its output; throws with its error. */
    static String run(List<String> command, String stdin) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + command.get(0), e);
        }
        if (p.exitValue() != 0) {
            String last = out.strip().lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
            throw new IOException(String.join(" ", command.subList(0, Math.min(3, command.size()))) + ": " + last);
        }
        return out;
    }

    /** Runs a shell script (errors stop it). */
    static String sh(String script) throws IOException {
        return run(List.of("sh", "-ec", script), "");
    }

    /** Runs a shell script inside a network namespace. */
    static String shIn(String namespace, String script) throws IOException {
        return run(List.of("ip", "netns", "exec", namespace, "sh", "-ec", script), "");
    }

    /**
     * Runs {@code ip} commands in one process ({@code ip -batch}), in {@code namespace} when not
     * null; blank lines are skipped. {@code -force}: a failed line does not stop the rest (the
     * exit status still says it failed).
     */
    static void ipBatch(String namespace, String... lines) throws IOException {
        List<String> cmd = namespace == null
                ? List.of("ip", "-force", "-batch", "-")
                : List.of("ip", "-n", namespace, "-force", "-batch", "-");
        StringBuilder in = new StringBuilder();
        for (String line : lines) {
            if (!line.isBlank()) {
                in.append(line).append('\n');
            }
        }
        run(cmd, in.toString());
    }

    /** Applies an nft script atomically. */
    static void nft(String script) throws IOException {
        run(List.of("nft", "-f", "-"), script);
    }

    /** Runs and ignores failure (teardown of what may already be gone). */
    static void quietly(List<String> command) {
        try {
            run(command, "");
        } catch (IOException e) {
            // already gone
        }
    }

    /** The executable on PATH, or null. */
    static Path onPath(String tool) {
        for (String dir : System.getenv()
                .getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
                .split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
