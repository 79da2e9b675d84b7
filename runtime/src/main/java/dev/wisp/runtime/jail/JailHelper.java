package dev.wisp.runtime.jail;

import dev.wisp.common.CCompiler;
import dev.wisp.runtime.VmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** {@code wisp-jail} (jail.c): compiled with the host's gcc once per process. */
final class JailHelper {
    private static final CCompiler HELPER = new CCompiler(JailHelper.class, "jail.c", List.of("-O2", "-s"));

    private JailHelper() {}

    /**
     * Writes the helper to {@code file} (root-owned, 0755) and returns it. A second runtime in the
     * same process finds the first one's helper running in its VMMs: a new file renamed over it
     * replaces it without touching the running one (writing in place fails: text file busy).
     */
    static Path install(Path file) {
        try {
            byte[] bin = HELPER.binary();
            Files.createDirectories(file.getParent());
            Path fresh = Files.createTempFile(file.getParent(), ".wisp-jail-", ".new");
            Files.write(fresh, bin);
            Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (CCompiler.Failure e) {
            throw new VmException(
                    e.compilerMissing()
                            ? "gcc not found: the VMM jail helper is compiled at start (apt-get install gcc, or run"
                                    + " scripts/install-deps), or run without the jail (--no-jail)"
                            : "gcc (building the VMM jail helper) failed: " + e.getMessage());
        } catch (IOException e) {
            throw new VmException("cannot install the VMM jail helper at " + file + ": " + e.getMessage(), e);
        }
    }
}
