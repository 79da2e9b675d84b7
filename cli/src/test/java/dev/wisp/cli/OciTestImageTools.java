package dev.wisp.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** skopeo for the CLI tests: copies between transports, failing with what it printed. */
final class OciTestImageTools {
    private OciTestImageTools() {}

    static void skopeo(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
    }
}
