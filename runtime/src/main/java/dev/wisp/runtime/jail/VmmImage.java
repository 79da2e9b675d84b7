package dev.wisp.runtime.jail;

import dev.wisp.runtime.vmm.VmmBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a VMM needs to run and nothing else, laid out as a jail root sees them (mounted
 * read-only into every jail): {@code bin/<vmm>}, its shared libraries in {@code lib/} (found with
 * {@code ldd}), the loader in {@code lib64/}, QEMU's accelerator modules under
 * {@code lib/<arch>/qemu/} and the firmware the microvm machine loads under {@code share/qemu/}.
 * Files are hard-linked where the file system allows, copied otherwise. Its directories are made
 * {@code rwxr-xr-x} whatever the umask: {@code wisp up} runs under umask 077, and a jailed VMM's
 * uid must still reach its binary and libraries.
 */
final class VmmImage {
    /** The jail's top-level entries that come from the image. */
    static final List<String> ENTRIES = List.of("bin", "lib", "lib64", "share");

    private static final Set<PosixFilePermission> PUBLIC_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Pattern LIBRARY = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

    private final Path root;
    private final String binaryName;

    private VmmImage(Path root, String binaryName) {
        this.root = root;
        this.binaryName = binaryName;
    }

    /** Builds the image of {@code binary} (a name on PATH or a path) under {@code root}. */
    static VmmImage build(String binary, Path root) throws IOException {
        Path bin = resolve(binary);
        Path real = bin.toRealPath();
        for (String e : ENTRIES) {
            directories(root, root.resolve(e));
        }
        Path target = root.resolve("bin").resolve(bin.getFileName());
        place(root, real, target);
        Set<Path> elves = new LinkedHashSet<>(List.of(real));
        // QEMU looks for its modules at <bin>/../lib/<arch>/qemu and its firmware at <bin>/../share/qemu.
        Path prefix = real.getParent().getParent();
        elves.addAll(placeModules(root, prefix));
        for (Path elf : elves) {
            for (Path lib : libraries(elf)) {
                Path dir = lib.getParent().toString().equals("/lib64") ? root.resolve("lib64") : root.resolve("lib");
                place(root, lib.toRealPath(), dir.resolve(lib.getFileName()));
            }
        }
        for (String f : VmmBuilder.FIRMWARE) {
            // A binary outside a QEMU prefix (a user's own build) reads Debian's firmware, as it would unjailed.
            for (Path share : List.of(prefix.resolve("share/qemu"), VmmBuilder.DEBIAN_FIRMWARE)) {
                Path src = share.resolve(f);
                if (Files.exists(src)) {
                    place(root, src.toRealPath(), root.resolve("share/qemu").resolve(f));
                    break;
                }
            }
        }
        return new VmmImage(root, bin.getFileName().toString());
    }

    /** QEMU's accelerator modules under {@code prefix/lib/<arch>/qemu/}: none in Wisp's build (TCG and KVM built in). */
    private static List<Path> placeModules(Path root, Path prefix) throws IOException {
        List<Path> placed = new ArrayList<>();
        if (!Files.isDirectory(prefix.resolve("lib"))) {
            return placed;
        }
        try (DirectoryStream<Path> arches = Files.newDirectoryStream(prefix.resolve("lib"))) {
            for (Path arch : arches) {
                Path mods = arch.resolve("qemu");
                if (!Files.isDirectory(mods)) {
                    continue;
                }
                try (DirectoryStream<Path> accel = Files.newDirectoryStream(mods, "accel-*.so")) {
                    for (Path m : accel) {
                        place(
                                root,
                                m,
                                root.resolve("lib")
                                        .resolve(arch.getFileName())
                                        .resolve("qemu")
                                        .resolve(m.getFileName()));
                        placed.add(m);
                    }
                }
            }
        }
        return placed;
    }

    Path root() {
        return root;
    }

    /** The VMM binary's path inside a jail. */
    String binaryInJail() {
        return "/bin/" + binaryName;
    }

    private static Path resolve(String binary) throws IOException {
        if (binary.contains("/")) {
            return Path.of(binary);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IOException(binary + " not found on PATH");
    }

    /** Creates {@code dir} and the directories from {@code root} down to it, each world-readable. */
    private static void directories(Path root, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Path d = dir; d != null && d.startsWith(root); d = d.getParent()) {
            Files.setPosixFilePermissions(d, PUBLIC_DIRECTORY);
        }
    }

    private static List<Path> libraries(Path elf) throws IOException {
        Process p = new ProcessBuilder("ldd", elf.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("ldd " + elf + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running ldd", e);
        }
        List<Path> libs = new ArrayList<>();
        Matcher m = LIBRARY.matcher(out);
        while (m.find()) {
            libs.add(Path.of(m.group(1)));
        }
        return libs;
    }

    private static void place(Path root, Path src, Path dst) throws IOException {
        directories(root, dst.getParent());
        if (Files.exists(dst)) {
            return;
        }
        try {
            Files.createLink(dst, src);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }
}
