package dev.wisp.oci;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools (buildah, skopeo, tar, openssl) for the tests. */
final class Tools {
    private Tools() {}

    /** Runs a command in {@code dir}; its stdout, or an error with all it printed. */
    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("wisp-tool-", ".out");
        Path err = Files.createTempFile("wisp-tool-", ".err");
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("timed out after 5 min: " + List.of(cmd));
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

    static void deleteTree(Path dir) {
        FileTrees.delete(dir);
    }
}
