package dev.wisp.runtime.vmm;

import dev.wisp.common.FileTrees;
import dev.wisp.common.HostCommands;
import dev.wisp.common.LongBuild;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds Wisp's lean QEMU ({@link LeanQemuConfig}) from Debian's own {@code qemu} source package, of
 * the same version as the installed {@code qemu-system-x86} and with Debian's patches applied
 * ({@code dpkg-source -x}) and Wisp's one patch on top. Cached in {@code $WISP_HOME/vmm/wisp/<source version>-<hash>/} as
 * {@code bin/qemu-system-x86_64} (stripped), the microvm firmware under {@code share/qemu/} (where
 * QEMU looks beside its binary, and where the jail takes it from) and the configuration text; built
 * in a temporary folder and renamed, so a crash leaves no half build. The downloaded source stays
 * in {@code vmm/sources/} for the next build.
 */
public final class VmmBuilder {
    /** The binary's name, the same as Debian's: the jail and the tests know it by it. */
    public static final String BINARY = "qemu-system-x86_64";
    /** The installed package whose source version is built. */
    static final String BINARY_PACKAGE = "qemu-system-x86";
    /**
     * Firmware {@code -M microvm} reads: qboot (under both names: with acpi=off QEMU asks for
     * qboot.rom) and the PVH option ROM. A build keeps a copy; the jail copies it in.
     */
    public static final List<String> FIRMWARE = List.of("bios-microvm.bin", "qboot.rom", "pvh.bin");
    /** Where Debian's QEMU keeps that firmware (package qemu-system-data). */
    public static final Path DEBIAN_FIRMWARE = Path.of("/usr/share/qemu");
    /** Host tools the build runs, and the Debian package each comes from. */
    static final Map<String, String> TOOLS = Map.of(
            "apt-get", "apt",
            "dpkg-source", "dpkg-dev",
            "gcc", "gcc",
            "meson", "meson",
            "patch", "patch",
            "ninja", "ninja-build",
            "pkg-config", "pkg-config",
            "python3", "python3",
            "strip", "binutils",
            "xz", "xz-utils");
    /** Libraries the configuration links (pkg-config name, or a header where there is no .pc, to Debian package). */
    static final Map<String, String> LIBRARIES = Map.of(
            "glib-2.0", "libglib2.0-dev",
            "pixman-1", "libpixman-1-dev",
            "/usr/include/libfdt.h", "libfdt-dev",
            "slirp", "libslirp-dev",
            "libseccomp", "libseccomp-dev",
            "zlib", "zlib1g-dev");

    private final Path builds;
    private final Path sources;

    /** @param home Wisp's home directory; builds live in its {@code vmm/wisp/} folder */
    public VmmBuilder(Path home) {
        this.builds = home.resolve("vmm").resolve("wisp");
        this.sources = home.resolve("vmm").resolve("sources");
    }

    /** Whether a binary is a build of Wisp's QEMU (of any configuration): its configuration sits beside {@code bin/}. */
    public static boolean isWispVmm(Path binary) {
        Path bin = binary.toAbsolutePath().getParent();
        return bin != null
                && bin.getParent() != null
                && Files.isRegularFile(bin.resolveSibling(LeanQemuConfig.FILE_NAME));
    }

    /**
     * Whether {@code binary} is Wisp's build of this very configuration (its folder named by the
     * configuration's hash), so that it has every option {@code wisp-qemu.patch} adds, such as TCG's
     * {@code flush-on-stop}; an older Wisp build or another QEMU has not.
     */
    public static boolean isCurrentWispVmm(Path binary) {
        Path bin = binary.toAbsolutePath().getParent();
        return isWispVmm(binary)
                && LeanQemuConfig.builtInto(bin.getParent().getFileName().toString());
    }

    /** @return the newest build of the current configuration, if there is one (no tools run) */
    public Optional<Path> cached() {
        if (!Files.isDirectory(builds)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(builds)) {
            return dirs.filter(d -> LeanQemuConfig.builtInto(d.getFileName().toString()))
                    .filter(d -> Files.isExecutable(d.resolve("bin").resolve(BINARY)))
                    .max(Comparator.comparing(d -> d.getFileName().toString()))
                    .map(d -> d.resolve("bin").resolve(BINARY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the cached build for the installed QEMU's version, or builds it (tens of minutes on two cores).
     *
     * @param progress receives one line per step and, while compiling, a line every 30 s
     * @throws LongBuild.Failure naming the missing packages, or the step that failed and its first error
     */
    public Path ensure(Consumer<String> progress) {
        String version = sourceVersion();
        Path target = builds.resolve(LeanQemuConfig.folderName(version.replace(':', '_')));
        if (Files.isExecutable(target.resolve("bin").resolve(BINARY))) {
            return target.resolve("bin").resolve(BINARY);
        }
        List<String> missing = new ArrayList<>(LongBuild.missingPackages(TOOLS));
        missing.addAll(LIBRARIES.entrySet().stream()
                .filter(l -> !libraryPresent(l.getKey()))
                .map(Map.Entry::getValue)
                .sorted()
                .toList());
        if (!missing.isEmpty()) {
            throw new LongBuild.Failure("building Wisp's QEMU needs the packages " + String.join(" ", missing)
                    + " (run scripts/install-deps --vmm)");
        }
        Path work = builds.resolve(".build-" + UUID.randomUUID());
        try {
            Files.createDirectories(work);
            Files.createDirectories(sources);
            Path dsc = LeanQemuSource.download(sources, work, version, progress);
            Path tree = work.resolve("src");
            step("dpkg-source -x", work, List.of("dpkg-source", "-x", dsc.toString(), tree.toString()), progress);
            Path patch = Files.writeString(work.resolve(LeanQemuConfig.PATCH_NAME), LeanQemuConfig.patch());
            step(
                    "patch -p1 " + LeanQemuConfig.PATCH_NAME,
                    tree,
                    List.of("patch", "-p1", "--batch", "--forward", "-i", patch.toString()),
                    progress);
            Files.writeString(
                    tree.resolve("configs/devices/x86_64-softmmu/" + LeanQemuConfig.DEVICES_NAME + ".mak"),
                    LeanQemuConfig.devicesFile());
            Path build = Files.createDirectories(work.resolve("build"));
            List<String> configure = new ArrayList<>(List.of("nice", "-n", "10", "../src/configure"));
            configure.addAll(LeanQemuConfig.FLAGS);
            step("configure", build, configure, progress);
            int jobs = Runtime.getRuntime().availableProcessors();
            progress.accept(
                    "compiling " + BINARY + " with ninja -j" + jobs + " at nice 10 (tens of minutes on 2 cores)");
            LongBuild.run(
                    "ninja " + BINARY,
                    build,
                    Map.of(),
                    List.of("nice", "-n", "10", "ninja", "-j" + jobs, BINARY),
                    line -> line.startsWith("[") && line.contains("Compiling"),
                    progress);
            Path staged = stage(work, build);
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process built the same configuration first: theirs is as good as ours.
            } catch (AtomicMoveNotSupportedException e) {
                throw new LongBuild.Failure("cannot rename the build into " + target + ": " + e.getMessage());
            }
            Path binary = target.resolve("bin").resolve(BINARY);
            progress.accept("built " + binary + " (" + (Files.size(binary) >> 20) + " MiB)");
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LongBuild.Failure("the QEMU build was interrupted");
        } finally {
            FileTrees.delete(work);
        }
    }

    /** The installed {@code qemu-system-x86}'s source version, e.g. {@code 1:7.2+dfsg-7+deb12u18}. */
    static String sourceVersion() {
        String v;
        try {
            v = HostCommands.run(Path.of("/"), "dpkg-query", "-W", "-f=${source:Version}", BINARY_PACKAGE)
                    .strip();
        } catch (IOException e) {
            throw new LongBuild.Failure("Debian's QEMU is not installed (the package " + BINARY_PACKAGE
                    + "): its version is the one built");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LongBuild.Failure("interrupted asking dpkg for " + BINARY_PACKAGE + "'s version");
        }
        if (!v.matches("[A-Za-z0-9.+~:-]{1,60}")) {
            throw new LongBuild.Failure("dpkg-query gave no usable version for " + BINARY_PACKAGE + ": '" + v + "'");
        }
        return v;
    }

    /** The stripped binary, the firmware and the configuration, world-readable (jailed VMMs run as other uids). */
    private static Path stage(Path work, Path build) throws IOException, InterruptedException {
        Path out = work.resolve("out");
        Path bin = Files.createDirectories(out.resolve("bin"));
        Path share = Files.createDirectories(out.resolve("share/qemu"));
        Path binary = bin.resolve(BINARY);
        step(
                "strip",
                build,
                List.of("strip", "-o", binary.toString(), build.resolve(BINARY).toString()),
                s -> {});
        for (String f : FIRMWARE) {
            Path src = DEBIAN_FIRMWARE.resolve(f);
            if (!Files.exists(src)) {
                throw new LongBuild.Failure("no " + src + ": install qemu-system-data (Debian's microvm firmware)");
            }
            Files.copy(src.toRealPath(), share.resolve(f));
            Files.setPosixFilePermissions(share.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.writeString(out.resolve(LeanQemuConfig.FILE_NAME), LeanQemuConfig.text());
        Files.setPosixFilePermissions(
                out.resolve(LeanQemuConfig.FILE_NAME), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path d : List.of(out, bin, share.getParent(), share)) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return out;
    }

    static void step(String what, Path dir, List<String> cmd, Consumer<String> progress)
            throws IOException, InterruptedException {
        progress.accept(what);
        LongBuild.run(what, dir, Map.of(), cmd, line -> false, progress);
    }

    private static boolean libraryPresent(String library) {
        if (library.startsWith("/")) {
            return Files.isRegularFile(Path.of(library));
        }
        try {
            HostCommands.run(Path.of("/"), "pkg-config", "--exists", library);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
