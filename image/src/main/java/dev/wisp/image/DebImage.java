package dev.wisp.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The Debian part of an app image built with packages: a configured root ({@link DebianRoot})
 * and how it enters the image. A small one is merged into the initramfs without the essential tools
 * busybox stands in for; a large one, with the app at {@code /app} inside it, becomes the ext4 disk
 * whole, and the app runs chrooted into it (as an OCI image's app does), with Debian's own shell
 * and tools.
 *
 * @param root      the cached, configured root (never written to)
 * @param fromCache whether the root came from the cache
 * @param resolved  every installed package as {@code name=version}
 * @param kept      the packages whose files an initramfs holds
 * @param dropped   files left out of an initramfs (relative, merged-/usr)
 * @param initramfsBytes the bytes of the root an initramfs would hold
 */
record DebImage(
        Path root,
        boolean fromCache,
        List<String> resolved,
        List<String> kept,
        Set<String> dropped,
        long initramfsBytes) {

    /**
     * Resolves the packages with Wisp's own apt configuration under {@code cache} (lists fetched
     * when stale), then finds or makes their root.
     *
     * @param cache     {@code WISP_HOME/debian}
     * @param requested package names, each optionally pinned {@code name=version}
     * @throws IllegalArgumentException for a package or version Debian does not have
     */
    static DebImage prepare(Path cache, List<String> requested) {
        DebianApt apt = DebianApt.at(cache.resolve("apt"));
        apt.update();
        List<String> resolved = apt.resolve(requested);
        DebianRoot.Cached root = DebianRoot.ensure(cache, requested, resolved);
        List<String> names = new ArrayList<>(
                new LinkedHashSet<>(requested.stream().map(DebianApt::name).toList()));
        Set<String> kept = new TreeSet<>(DebPackages.closure(names, apt.env()));
        Set<String> dropped = DebianRoot.filesOutside(root.root(), kept);
        DebImage partial = new DebImage(root.root(), root.fromCache(), resolved, List.copyOf(kept), dropped, 0);
        return new DebImage(
                root.root(), root.fromCache(), resolved, List.copyOf(kept), dropped, partial.bytesInInitramfs());
    }

    /** Maps a path of the root to its place in an initramfs, or null to leave it out. */
    String placeInInitramfs(String rel) {
        if (UsrMerge.MERGED.contains(rel) && Files.isSymbolicLink(root.resolve(rel))) {
            return null; // the image has its own merged-/usr links
        }
        if (rel.startsWith("var/log/") && Files.isDirectory(root.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
            return rel; // packages' log folders stay (nginx will not start without /var/log/nginx)
        }
        if (DebianRoot.isPackagingState(rel) || dropped.contains(UsrMerge.map(rel)) || leadsNowhere(rel)) {
            return null;
        }
        return DebPackages.placeInImage(rel);
    }

    /**
     * A symlink whose end is left out or missing, such as an alternative of a dropped package
     * ({@code /usr/bin/awk -> /etc/alternatives/awk -> /usr/bin/mawk}): left out too, so that
     * busybox's applet takes its place.
     */
    private boolean leadsNowhere(String rel) {
        Path p = root.resolve(rel);
        for (int hops = 0; hops < 16 && Files.isSymbolicLink(p); hops++) {
            try {
                String target = Files.readSymbolicLink(p).toString();
                Path next = target.startsWith("/")
                        ? root.resolve(target.substring(1))
                        : p.getParent().resolve(target);
                String nextRel = root.relativize(next.normalize()).toString();
                if (nextRel.startsWith("..") || dropped.contains(UsrMerge.map(nextRel))) {
                    return true;
                }
                p = root.resolve(UsrMerge.map(nextRel));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Puts Debian's account files back over the generic ones {@link GuestFiles#addSystem} wrote:
     * they hold the same system users plus those the packages' maintainer scripts added.
     */
    void addAccounts(RootTree tree) {
        for (String f : List.of("etc/passwd", "etc/group", "etc/shadow")) {
            Path p = root.resolve(f);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                tree.put(f, new RootTree.HostFile(p, f.endsWith("shadow") ? 0600 : 0644));
            }
        }
    }

    /** Names of every installed package, for a root that goes on the disk whole. */
    List<String> installedNames() {
        return resolved.stream().map(DebianApt::name).toList();
    }

    /**
     * Lays out the disk's tree in {@code target} (a scratch folder thrown away after): a copy of the
     * root, the app's files in {@code /app}, mount points and the guest's /etc/hosts and resolv.conf.
     */
    void layOutDisk(Path app, Path target) {
        Commands.run("copy Debian root", List.of("cp", "-a", root + "/.", target.toString()));
        try {
            try (Stream<Path> dev = Files.list(target.resolve("dev"))) {
                for (Path p : dev.toList()) {
                    Files.delete(p); // device nodes: init binds the guest's /dev here
                }
            }
            OciRoot.prepare(target, "/app");
            Commands.run(
                    "copy app",
                    List.of("cp", "-a", app + "/.", target.resolve("app").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Arguments for {@code agent run-oci}: the entrypoint through Debian's /bin/sh, as root, in /app. */
    static List<String> agentArgs(String entrypoint) {
        return new OciRun(
                        List.of("/bin/sh", "-c", entrypoint),
                        List.of("PATH=" + OciRun.DEFAULT_PATH, "HOME=/root"),
                        "/app",
                        ImageUser.ROOT,
                        1)
                .agentArgs();
    }

    private long bytesInInitramfs() {
        long[] total = {0};
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> {
                String rel = root.relativize(p).toString();
                if (!rel.isEmpty()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && placeInInitramfs(rel) != null) {
                    try {
                        total[0] += Files.size(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total[0];
    }
}
