package dev.wisp.runtime.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this process may do to other processes' credentials. */
public final class Privileges {
    private Privileges() {}

    /** Whether this process runs with effective uid 0 (what switching uids, mounts and cgroups need). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return "0".equals(line.split("\\s+")[2]);
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
