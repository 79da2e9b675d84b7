package dev.wisp.oci;

import dev.wisp.common.FileTrees;
import dev.wisp.common.HostCommands;
import java.io.IOException;
import java.nio.file.Path;

/** Runs host tools (buildah, skopeo, tar, openssl) for the tests. */
final class Tools {
    private Tools() {}

    /** Runs a command in {@code dir}; its stdout, or an error with all it printed. */
    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        return HostCommands.run(dir, cmd);
    }

    static void deleteTree(Path dir) {
        FileTrees.delete(dir);
    }
}
