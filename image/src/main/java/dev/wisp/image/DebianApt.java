package dev.wisp.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wisp's own apt configuration, independent of the host's: its own sources list (Debian bookworm,
 * its updates and security), package lists, state and cache under {@code WISP_HOME/debian/apt}, and
 * nothing read from the host's {@code /etc/apt} (no sources.list.d, preferences or apt.conf.d), so a
 * host with a third-party source gets the same packages as any other. Only the archive keyring is
 * the host's ({@code debian-archive-keyring}).
 */
final class DebianApt {
    static final String SUITE = "bookworm";
    static final String MIRROR = "http://deb.debian.org/debian";
    static final String SECURITY = "http://deb.debian.org/debian-security";
    static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
    /** How long fetched package lists count as current (security fixes come often). */
    static final Duration LISTS_MAX_AGE = Duration.ofHours(6);

    private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]*");
    private static final Pattern VERSION = Pattern.compile("[0-9][A-Za-z0-9.+~:-]*");
    private static final Pattern INST = Pattern.compile("^Inst (\\S+) \\((\\S+) ", Pattern.MULTILINE);

    private final Path dir;
    private final Path config;

    private DebianApt(Path dir) {
        this.dir = dir;
        this.config = dir.resolve("apt.conf");
    }

    /** Writes the configuration under {@code dir} (idempotent) and returns it. */
    static DebianApt at(Path dir) {
        DebianApt apt = new DebianApt(dir);
        apt.writeConfig();
        return apt;
    }

    /** The sources both apt and mmdebstrap use, one-line style. */
    static List<String> sources() {
        String opts = "deb [signed-by=" + KEYRING + "] ";
        return List.of(
                opts + MIRROR + " " + SUITE + " main",
                opts + MIRROR + " " + SUITE + "-updates main",
                opts + SECURITY + " " + SUITE + "-security main");
    }

    /**
     * Checks a requested package: a Debian name, optionally pinned as {@code name=version}.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    static void validate(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("not a Debian package name: null");
        }
        int eq = spec.indexOf('=');
        String name = eq < 0 ? spec : spec.substring(0, eq);
        if (!PACKAGE.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Debian package name: " + spec);
        }
        if (eq >= 0 && !VERSION.matcher(spec.substring(eq + 1)).matches()) {
            throw new IllegalArgumentException(
                    "not a Debian version in " + spec + " (want NAME=VERSION, e.g. nginx-light=1.22.1-9+deb12u9)");
        }
    }

    /** The name without a pin. */
    static String name(String spec) {
        int eq = spec.indexOf('=');
        return eq < 0 ? spec : spec.substring(0, eq);
    }

    /** Fetches the package lists unless they are younger than {@link #LISTS_MAX_AGE}. */
    void update() {
        Path stamp = dir.resolve("lists.updated");
        try {
            if (Files.isRegularFile(stamp)
                    && Files.getLastModifiedTime(stamp)
                            .toInstant()
                            .isAfter(Instant.now().minus(LISTS_MAX_AGE))) {
                return;
            }
            Commands.run("apt-get update", null, env(), List.of("apt-get", "-q", "update"));
            Files.writeString(stamp, Instant.now().toString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Resolves the requested packages (pins honoured) and everything an install into an empty root
     * would bring, Debian's essential set included, as sorted {@code name=version} lines: what the
     * package root is cached by.
     *
     * @throws IllegalArgumentException naming a package or version Debian does not have
     */
    List<String> resolve(List<String> requested) {
        List<String> cmd = new ArrayList<>(List.of("apt-get", "-s", "-q", "install"));
        cmd.addAll(requested);
        cmd.add("?essential");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env());
        String out;
        int code;
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            code = p.waitFor();
        } catch (IOException e) {
            throw new ImageBuildException("apt-get failed: cannot run it (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageBuildException("apt-get interrupted", e);
        }
        if (code != 0) {
            throw explain(out, requested);
        }
        TreeSet<String> resolved = new TreeSet<>();
        Matcher m = INST.matcher(out);
        while (m.find()) {
            resolved.add(m.group(1) + "=" + m.group(2));
        }
        return List.copyOf(resolved);
    }

    /** apt's reason as one line of bad input, with the versions Debian has for a bad pin. */
    private RuntimeException explain(String out, List<String> requested) {
        Matcher version =
                Pattern.compile("Version '([^']*)' for '([^']*)' was not found").matcher(out);
        if (version.find()) {
            return new IllegalArgumentException("Debian " + SUITE + " has no version " + version.group(1) + " of "
                    + version.group(2) + " (it has: " + versions(version.group(2)) + ")");
        }
        Matcher missing = Pattern.compile("Unable to locate package (\\S+)").matcher(out);
        if (missing.find()) {
            return new IllegalArgumentException("package not found in Debian " + SUITE + ": " + missing.group(1));
        }
        Matcher unmet =
                Pattern.compile("^ *(\\S+ : Depends: .*)$", Pattern.MULTILINE).matcher(out);
        if (unmet.find()) {
            return new IllegalArgumentException("cannot install " + String.join(" ", requested) + ": "
                    + unmet.group(1).replaceAll("\\s+", " ") + " (pin that package too, as NAME=VERSION)");
        }
        String last =
                out.lines().filter(l -> l.startsWith("E: ")).reduce((a, b) -> b).orElse("apt-get failed");
        return new IllegalArgumentException("cannot install " + String.join(" ", requested) + ": "
                + last.substring(last.startsWith("E: ") ? 3 : 0));
    }

    /** The versions of a package in Wisp's sources, newest first, comma-separated. */
    String versions(String name) {
        String out = Commands.run("apt-cache madison", null, env(), List.of("apt-cache", "madison", name));
        List<String> v = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\\|");
            if (f.length > 1 && !v.contains(f[1].strip())) {
                v.add(f[1].strip());
            }
        }
        return v.isEmpty() ? "none" : String.join(", ", v);
    }

    /** The environment that makes apt read only Wisp's configuration. */
    Map<String, String> env() {
        return Map.of("APT_CONFIG", config.toString(), "LC_ALL", "C.UTF-8");
    }

    private void writeConfig() {
        try {
            Path empty = Files.createDirectories(dir.resolve("empty.d"));
            Files.createDirectories(dir.resolve("state/lists/partial"));
            Files.createDirectories(dir.resolve("cache/archives/partial"));
            Path status = dir.resolve("state/status");
            if (!Files.exists(status)) {
                Files.createFile(status); // an empty root: resolve what a fresh install brings
            }
            Path sources = dir.resolve("sources.list");
            writeIfChanged(sources, String.join("\n", sources()) + "\n");
            writeIfChanged(
                    config,
                    String.join(
                            "",
                            line("Dir::Etc::main", "/dev/null"),
                            line("Dir::Etc::parts", empty),
                            line("Dir::Etc::sourcelist", sources),
                            line("Dir::Etc::sourceparts", empty),
                            line("Dir::Etc::preferences", "/dev/null"),
                            line("Dir::Etc::preferencesparts", empty),
                            line("Dir::Etc::trustedparts", empty),
                            line("Dir::State", dir.resolve("state")),
                            line("Dir::State::status", status),
                            line("Dir::Cache", dir.resolve("cache")),
                            line("APT::Architecture", "amd64"),
                            line("APT::Install-Recommends", "false"),
                            line("APT::Get::List-Cleanup", "true")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(String key, Object value) {
        return key + " \"" + value + "\";\n";
    }

    private static void writeIfChanged(Path file, String text) throws IOException {
        if (!Files.isRegularFile(file) || !Files.readString(file).equals(text)) {
            Path part = file.resolveSibling(file.getFileName() + ".part");
            Files.writeString(part, text);
            Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
