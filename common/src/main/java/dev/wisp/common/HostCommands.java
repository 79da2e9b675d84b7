package dev.wisp.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs host tools (tar, skopeo, buildah, openssl) to completion, as the tests that build real images
 * do: output is kept in temporary files, so a chatty tool cannot block on a full pipe.
 */
public final class HostCommands {
    /** How long one command may run before it is killed. */
    public static final int TIMEOUT_MINUTES = 5;

    private HostCommands() {}

    /**
     * Runs {@code cmd} in {@code dir}.
     *
     * @return what it printed on stdout
     * @throws IOException when it cannot start, exits non-zero (the message holds all it printed) or
     *     runs longer than {@link #TIMEOUT_MINUTES}
     */
    public static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("wisp-tool-", ".out");
        Path err = Files.createTempFile("wisp-tool-", ".err");
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + TIMEOUT_MINUTES + " min: " + List.of(cmd));
            }
            if (p.exitValue() != 0) {
                throw new IOException(List.of(cmd) + " exited " + p.exitValue() + ": " + Files.readString(err)
                        + Files.readString(out));
            }
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Runs buildah with its own storage under {@code work} (vfs driver, so no root and no overlay
     * mounts are needed).
     *
     * @return what it printed on stdout
     */
    public static String buildah(Path work, String... args) throws IOException, InterruptedException {
        return run(work, buildahCommand(work, args).toArray(String[]::new));
    }

    /**
     * Builds a one-layer image of {@code tree}'s content with buildah (storage under {@code work})
     * and commits it in OCI format as {@code dest}, e.g. {@code oci:LAYOUT:TAG}.
     *
     * @param config {@code buildah config} options, separated by spaces (so no value may hold one),
     *     e.g. {@code --entrypoint ["/bin/sh"] --port 8080}
     */
    public static void buildahImage(Path work, Path tree, String dest, String config)
            throws IOException, InterruptedException {
        String c = buildah(work, "from", "scratch").strip();
        buildah(work, "copy", c, tree.toString(), "/");
        List<String> configure = new ArrayList<>(List.of("config"));
        configure.addAll(List.of(config.strip().split("\\s+")));
        configure.add(c);
        buildah(work, configure.toArray(String[]::new));
        buildah(work, "commit", "-q", "--format", "oci", c, dest);
        buildah(work, "rm", c);
    }

    /** The buildah command line {@link #buildah} runs, for callers with their own time limit. */
    public static List<String> buildahCommand(Path work, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                "buildah",
                "--root",
                work.resolve("storage").toString(),
                "--runroot",
                work.resolve("run").toString(),
                "--storage-driver",
                "vfs"));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
