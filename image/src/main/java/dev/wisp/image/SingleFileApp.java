package dev.wisp.image;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;

/**
 * An app given as one file (a static binary, say): a folder holding just that file, executable,
 * so the folder build applies unchanged. The file is the entrypoint unless the user names one.
 *
 * @param folder the folder holding the file
 * @param entrypoint the command that starts the app
 */
record SingleFileApp(Path folder, String entrypoint) {
    /** Stages {@code file} into a temporary folder, runs {@code build} on it, and removes the folder. */
    static Image build(Path file, String entrypoint, Function<SingleFileApp, Image> build) {
        String name = file.getFileName().toString();
        if (!name.matches("[A-Za-z0-9._+-]{1,100}") || name.startsWith(".")) {
            throw new IllegalArgumentException(
                    "app file name must be 1-100 of A-Z a-z 0-9 . _ + - (not starting" + " with a dot): " + name);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("wisp-app-");
            Path copy = dir.resolve(name);
            Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
            return build.apply(new SingleFileApp(dir, entrypoint == null ? "/app/" + name : entrypoint));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(dir);
        }
    }
}
