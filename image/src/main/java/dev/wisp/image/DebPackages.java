package dev.wisp.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which installed Debian packages an initramfs keeps: the requested ones and the closure of their
 * dependencies, less the commands busybox provides and package tooling ({@link #SKIPPED}).
 */
final class DebPackages {
    /**
     * Packages never fetched as dependencies: busybox already provides their commands, or they only
     * serve package management and boot-time setup that a microVM does not do.
     */
    static final Set<String> SKIPPED = Set.of(
            "adduser",
            "base-files",
            "base-passwd",
            "bash",
            "bsdutils",
            "cdebconf",
            "coreutils",
            "dash",
            "debconf",
            "debconf-2.0",
            "debianutils",
            "diffutils",
            "dpkg",
            "findutils",
            "gawk",
            "grep",
            "gzip",
            "hostname",
            "init-system-helpers",
            "install-info",
            "iproute2",
            "libc-bin",
            "login",
            "lsb-base",
            "mawk",
            "mount",
            "ncurses-bin",
            "passwd",
            "perl-base",
            "procps",
            "readline-common",
            "sed",
            "sensible-utils",
            "systemd",
            "systemd-sysv",
            "sysvinit-utils",
            "tar",
            "ucf",
            "util-linux",
            "tzdata",
            "netbase");

    /**
     * Folders a guest never reads: documentation, editor support, and glibc's gconv charset modules
     * (8 MiB, a third of an nginx image; UTF-8 and ASCII conversions are built into libc).
     */
    static final List<String> DROPPED = List.of(
            "usr/share/doc",
            "usr/share/doc-base",
            "usr/share/man",
            "usr/share/locale",
            "usr/share/info",
            "usr/share/lintian",
            "usr/share/bug",
            "usr/share/vim",
            "usr/share/reportbug",
            "lib/x86_64-linux-gnu/gconv",
            "usr/lib/x86_64-linux-gnu/gconv");

    private DebPackages() {}

    /** Dependencies per package (each a list of alternatives) and the names that are virtual. */
    record Depends(Map<String, List<List<String>>> byPackage, Set<String> virtual) {}

    /**
     * Resolves the requested packages plus their Depends/Pre-Depends closure, one apt-cache call per
     * level. A dependency counts as met when any alternative is already chosen or skipped;
     * otherwise its first real candidate (for a virtual package, its first provider) is fetched.
     *
     * @throws IllegalArgumentException naming a requested package apt does not know
     */
    static List<String> closure(List<String> requested, Map<String, String> aptEnv) {
        Set<String> chosen = new TreeSet<>();
        List<String> batch = List.copyOf(new LinkedHashSet<>(requested));
        boolean first = true;
        while (!batch.isEmpty()) {
            Depends deps = depends(batch, aptEnv);
            for (String pkg : batch) {
                if (deps.byPackage().containsKey(pkg)) {
                    chosen.add(pkg);
                } else if (first) {
                    throw new IllegalArgumentException("package not found: " + pkg);
                }
            }
            Set<String> next = new LinkedHashSet<>();
            for (String pkg : batch) {
                for (List<String> alternatives : deps.byPackage().getOrDefault(pkg, List.of())) {
                    boolean met = alternatives.stream()
                            .anyMatch(a -> chosen.contains(a) || next.contains(a) || SKIPPED.contains(a));
                    if (!met) {
                        alternatives.stream()
                                .filter(a -> !deps.virtual().contains(a))
                                .findFirst()
                                .ifPresent(next::add);
                    }
                }
            }
            batch = List.copyOf(next);
            first = false;
        }
        return List.copyOf(chosen);
    }

    /** Runs {@code apt-cache depends} for several packages at once, with apt configured by {@code aptEnv}. */
    static Depends depends(List<String> packages, Map<String, String> aptEnv) {
        List<String> cmd = new ArrayList<>(List.of(
                "apt-cache",
                "depends",
                "--no-recommends",
                "--no-suggests",
                "--no-conflicts",
                "--no-breaks",
                "--no-replaces",
                "--no-enhances"));
        cmd.addAll(packages);
        String out;
        try {
            out = Commands.run("apt-cache depends", null, aptEnv, cmd);
        } catch (ImageBuildException e) {
            if (packages.size() == 1) {
                throw new IllegalArgumentException("package not found: " + packages.get(0));
            }
            throw e;
        }
        return parse(out);
    }

    /**
     * Parses {@code apt-cache depends} output: a package line, then indented "Depends:" lines; a
     * leading "|" joins the next line as an alternative; a virtual {@code <name>} is followed by
     * its providers, indented further.
     */
    static Depends parse(String out) {
        Map<String, List<List<String>>> byPackage = new LinkedHashMap<>();
        Set<String> virtual = new TreeSet<>();
        List<List<String>> current = null;
        List<String> group = null;
        boolean joinNext = false;
        boolean inDepends = false;
        for (String line : out.lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith(" ")) {
                String name = line.strip();
                current = name.startsWith("<") ? null : byPackage.computeIfAbsent(name, k -> new ArrayList<>());
                joinNext = false;
                inDepends = false;
                continue;
            }
            if (current == null) {
                continue;
            }
            String s = line.strip();
            if (line.startsWith("    ")) {
                if (inDepends) {
                    group.add(s); // a provider of the virtual package above
                }
                continue;
            }
            boolean alternative = s.startsWith("|");
            if (alternative) {
                s = s.substring(1);
            }
            inDepends = s.startsWith("Depends: ") || s.startsWith("PreDepends: ");
            if (!inDepends) {
                joinNext = false;
                continue;
            }
            if (!joinNext) {
                group = new ArrayList<>();
                current.add(group);
            }
            String name = s.substring(s.indexOf(' ') + 1).strip();
            if (name.startsWith("<")) {
                name = name.substring(1, name.length() - 1);
                virtual.add(name);
            }
            group.add(name);
            joinNext = alternative;
        }
        return new Depends(byPackage, virtual);
    }

    /**
     * Maps a path from a package to its place in the image: the image is merged-/usr, so
     * {@code bin}, {@code sbin} and {@code lib*} move under {@code usr/}; docs are dropped (null).
     */
    static String placeInImage(String rel) {
        for (String d : DROPPED) {
            if (rel.equals(d) || rel.startsWith(d + "/")) {
                return null;
            }
        }
        return UsrMerge.map(rel);
    }
}
