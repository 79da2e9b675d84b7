package dev.wisp.image;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A Debian root with the requested packages installed as Debian installs them: mmdebstrap makes
 * Debian's essential set plus the packages in a fresh folder, with dpkg and apt inside it, so
 * maintainer scripts, alternatives and triggers run at build time in the image root, never
 * touching the host's dpkg database. Roots are cached under {@code WISP_HOME/debian/roots} by
 * the resolved package set ({@code name=version} of everything installed) and the sources, so an
 * app change reuses the root; downloaded .debs are kept in {@code WISP_HOME/debian/archives}.
 */
final class DebianRoot {
    /** Bumped when the way roots are made changes, so older cached roots are not reused. */
    static final int RECIPE = 1;
    /** Where dpkg keeps the file list of each installed package, in a root. */
    static final String DPKG_INFO = "var/lib/dpkg/info";

    /** The man folders alternatives link into; empty, since path-exclude keeps the pages out. */
    private static final String MAN_DIRS = java.util.stream.IntStream.rangeClosed(1, 8)
            .mapToObj(i -> "\"$1\"/usr/share/man/man" + i)
            .collect(java.util.stream.Collectors.joining(" "));

    private DebianRoot() {}

    /** The cache key: sha-256 over the recipe, the sources and the resolved package set. */
    static String key(List<String> resolved) {
        var sha = ImageDigest.sha256();
        String text = "recipe " + RECIPE + "\n" + String.join("\n", DebianApt.sources()) + "\n"
                + String.join("\n", resolved) + "\n";
        return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The cached root for this package set, made first if the cache lacks it.
     *
     * @param cache     {@code WISP_HOME/debian}
     * @param requested the packages asked for (pins as {@code name=version})
     * @param resolved  what {@link DebianApt#resolve} gave for them
     * @return the root and whether it came from the cache
     */
    static Cached ensure(Path cache, List<String> requested, List<String> resolved) {
        Path roots = cache.resolve("roots");
        Path root = roots.resolve(key(resolved));
        if (Files.isDirectory(root)) {
            return new Cached(root, true);
        }
        if (!onPath("mmdebstrap")) {
            throw new ImageBuildException(
                    "mmdebstrap not found: Debian packages are installed with it (apt-get install mmdebstrap)");
        }
        Path archives = cache.resolve("archives");
        Path part = roots.resolve(".part-" + UUID.randomUUID());
        try {
            Files.createDirectories(archives);
            Files.createDirectories(roots);
            Path logs = Files.createDirectories(cache.resolve("logs"));
            Path log = logs.resolve("mmdebstrap-" + key(resolved) + ".log");
            Commands.runLogged(
                    "mmdebstrap", java.util.Map.of("LC_ALL", "C.UTF-8"), command(requested, archives, part), log);
            Files.deleteIfExists(log);
            FileTrees.delete(part.resolve("var/cache/apt/archives"));
            Files.createDirectories(part.resolve("var/cache/apt/archives/partial"));
            try {
                Files.move(part, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // another build made the same root meanwhile: theirs is as good
            }
            return new Cached(root, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(part);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** @param fromCache true when no package was installed for this build */
    record Cached(Path root, boolean fromCache) {}

    static List<String> command(List<String> requested, Path archives, Path target) {
        String a = GuestFiles.quote(archives.toString());
        var cmd = new java.util.ArrayList<>(List.of(
                "mmdebstrap",
                "--variant=essential",
                "--format=directory",
                "--include=" + String.join(",", requested),
                "--aptopt=Acquire::Languages \"none\"",
                "--aptopt=APT::Install-Recommends \"false\"",
                "--dpkgopt=path-exclude=/usr/share/doc/*",
                "--dpkgopt=path-exclude=/usr/share/man/*",
                "--dpkgopt=path-exclude=/usr/share/locale/*",
                "--dpkgopt=path-exclude=/usr/share/info/*",
                // .debs kept across builds: a new package set downloads only what is new
                "--skip=download/empty",
                "--skip=essential/unlink",
                "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/",
                // path-exclude leaves out the man folders, but update-alternatives still links into
                // them (openjdk's java.1.gz) and fails without them, as on slim Debian images
                "--setup-hook=mkdir -p " + MAN_DIRS,
                "--setup-hook=cp -a " + a + "/. \"$1\"/var/cache/apt/archives/",
                "--customize-hook=cp -a \"$1\"/var/cache/apt/archives/. " + a + "/",
                DebianApt.SUITE,
                target.toString()));
        cmd.addAll(DebianApt.sources());
        return cmd;
    }

    /**
     * Files (paths relative to the root, merged-/usr) of installed packages outside {@code keep}:
     * Debian's essential tools that busybox stands in for in an initramfs. Files a kept package
     * ships too stay, and so do folders.
     */
    static Set<String> filesOutside(Path root, Set<String> keep) {
        Set<String> dropped = new HashSet<>();
        Set<String> kept = new HashSet<>();
        try (Stream<Path> lists = Files.list(root.resolve(DPKG_INFO))) {
            for (Path list : lists.filter(p -> p.toString().endsWith(".list")).toList()) {
                String pkg = list.getFileName().toString().replaceFirst("(:[a-z0-9]+)?\\.list$", "");
                Set<String> into = keep.contains(pkg) ? kept : dropped;
                for (String line : Files.readAllLines(list)) {
                    if (line.startsWith("/") && line.length() > 1) {
                        into.add(UsrMerge.map(line.substring(1)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dropped.removeAll(kept);
        // folders stay: packages share them, and a kept file's folder keeps its mode
        dropped.removeIf(rel -> Files.isDirectory(root.resolve(rel), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        return dropped;
    }

    /** Package management state and caches a guest never reads. */
    static boolean isPackagingState(String rel) {
        for (String d :
                List.of("var/lib/dpkg", "var/lib/apt", "var/cache/apt", "var/cache/debconf", "var/log", "dev")) {
            if (rel.equals(d) || rel.startsWith(d + "/")) {
                return true;
            }
        }
        return false;
    }
}
