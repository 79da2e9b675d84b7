package dev.wisp.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs host tools (apt, dpkg-deb, mkfs.ext4) and turns failures into one-line errors. */
final class Commands {
    /** A tool's own error line ({@code update-alternatives: error: ...}), not an aftermath summary. */
    private static final Pattern ERROR_LINE = Pattern.compile("(?m)^.*\\berror: .*$");

    private Commands() {}

    /**
     * Runs a command to completion.
     *
     * @param what the name used in errors, e.g. "apt-get download"
     * @return the command's stdout
     * @throws ImageBuildException "what failed: last line of stderr" on a non-zero exit
     */
    static String run(String what, Path cwd, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        pb.environment().putAll(env);
        Process p = start(what, pb);
        try {
            p.getOutputStream().close();
            // Drain stderr in parallel so a chatty tool cannot block on a full pipe.
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            int code = p.waitFor();
            if (code != 0) {
                throw new ImageBuildException(what + " failed: " + lastLine(err.join(), "exit code " + code));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ImageBuildException(what + " interrupted", e);
        }
    }

    private static Process start(String what, ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new ImageBuildException(
                    what + " failed: cannot run " + pb.command().get(0) + " (" + e.getMessage() + ")", e);
        }
    }

    static String run(String what, List<String> command) {
        return run(what, null, Map.of(), command);
    }

    /**
     * Runs a long, chatty command (mmdebstrap) with its stdout and stderr in {@code log}, kept for
     * a failure to be read in full.
     *
     * @throws ImageBuildException "what failed: first error line (full output: LOG)" on a non-zero exit
     */
    static void runLogged(String what, Map<String, String> env, List<String> command, Path log) {
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = start(what, pb);
        try {
            p.getOutputStream().close();
            int code = p.waitFor();
            if (code != 0) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                throw new ImageBuildException(
                        what + " failed: " + firstError(text, "exit code " + code) + " (full output: " + log + ")");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ImageBuildException(what + " interrupted", e);
        } catch (IOException e) {
            throw new ImageBuildException(what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The cause, not the aftermath: the first line saying {@code error:} (a maintainer script's
     * tool), else the last line; tools like mmdebstrap end with their own generic summary.
     */
    private static String firstError(String text, String fallback) {
        Matcher m = ERROR_LINE.matcher(text);
        return m.find() ? m.group().strip() : lastLine(text, fallback);
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lastLine(String text, String fallback) {
        String[] lines = text.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (!line.isEmpty()) {
                return line.startsWith("E: ") ? line.substring(3) : line;
            }
        }
        return fallback;
    }
}
