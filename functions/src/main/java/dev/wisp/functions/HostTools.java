package dev.wisp.functions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Host commands (gcc, jlink) with one-line errors, and folder copies. */
final class HostTools {
    private HostTools() {}

    /**
     * Runs a command to completion, failing with "what failed: last output line".
     *
     * @param missingHint the message when the command cannot be started at all
     */
    static void run(String what, List<String> command, String missingHint) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new FunctionException(FunctionException.Code.UNAVAILABLE, what + " failed: " + missingHint);
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                String last = out.isEmpty() ? "exit code " + p.exitValue() : out.substring(out.lastIndexOf('\n') + 1);
                throw new FunctionException(FunctionException.Code.INTERNAL, what + " failed: " + last);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FunctionException(FunctionException.Code.INTERNAL, what + " interrupted");
        }
    }

    /** Copies a folder tree, keeping permissions (the JRE's executables must stay executable). */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
