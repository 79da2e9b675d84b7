package dev.wisp.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Readies a pulled image's root for the guest before it becomes a disk: the folders init mounts on
 * ({@code /proc}, {@code /sys}, {@code /dev}, {@code /run}, {@code /tmp}), the working directory
 * (Docker makes it too), and {@code /etc/hosts} and {@code /etc/resolv.conf} for the guest's network,
 * as a container runtime provides them. Nothing is written through a symlink: where the image has
 * one, it is left as it is.
 */
final class OciRoot {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final List<String> MOUNT_POINTS = List.of("proc", "sys", "dev", "run", "tmp");

    private OciRoot() {}

    static void prepare(Path root, String workdir) throws IOException {
        for (String d : MOUNT_POINTS) {
            Path p = root.resolve(d);
            if (!Files.exists(p, NOFOLLOW)) {
                Files.createDirectory(p);
                Files.setAttribute(p, "unix:mode", d.equals("tmp") ? 01777 : 0755, NOFOLLOW);
            }
        }
        makeDirs(root, workdir);
        Path etc = root.resolve("etc");
        if (!Files.exists(etc, NOFOLLOW)) {
            Files.createDirectory(etc);
            Files.setAttribute(etc, "unix:mode", 0755, NOFOLLOW);
        }
        if (Files.isDirectory(etc, NOFOLLOW)) {
            replace(etc.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n");
            // slirp's resolver; used only when the host lets the guest reach it
            replace(etc.resolve("resolv.conf"), "nameserver 10.0.2.3\n");
        }
    }

    /** Makes the folders of an absolute path in the image, stopping at a symlink or a file. */
    private static void makeDirs(Path root, String absolute) throws IOException {
        Path p = root;
        for (String part : absolute.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                return; // the guest resolves it; nothing to make here
            }
            p = p.resolve(part);
            if (!Files.exists(p, NOFOLLOW)) {
                Files.createDirectory(p);
                Files.setAttribute(p, "unix:mode", 0755, NOFOLLOW);
            } else if (!Files.isDirectory(p, NOFOLLOW)) {
                return;
            }
        }
    }

    private static void replace(Path file, String text) throws IOException {
        if (Files.isSymbolicLink(file) || Files.isDirectory(file, NOFOLLOW)) {
            return;
        }
        Files.deleteIfExists(file);
        Files.writeString(file, text);
        Files.setAttribute(file, "unix:mode", 0644, NOFOLLOW);
    }
}
