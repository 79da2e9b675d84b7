package dev.wisp.runtime.vmm;

import dev.wisp.common.LongBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fetches Debian's {@code qemu} source package ({@code .dsc}, original tarball, Debian's patches)
 * with {@code apt-get source --download-only}, through a private source list and lists folder so
 * that the host's apt configuration is left as it is. Kept in a folder that later builds reuse.
 */
final class LeanQemuSource {
    static final String SOURCE_PACKAGE = "qemu";
    static final String MIRROR = "http://deb.debian.org/debian";
    static final String SECURITY = "http://security.debian.org/debian-security";
    static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

    private LeanQemuSource() {}

    /**
     * @param version the source version, with its epoch ({@code 1:7.2+dfsg-7+deb12u18})
     * @return the {@code .dsc} in {@code sources}, downloaded unless it was there already
     */
    static Path download(Path sources, Path work, String version, Consumer<String> progress)
            throws IOException, InterruptedException {
        Path dsc = sources.resolve(dscName(version));
        if (Files.isRegularFile(dsc)) {
            progress.accept("source " + dsc + " (downloaded before)");
            return dsc;
        }
        String codename = codename(Path.of("/etc/os-release"));
        Path list = Files.writeString(work.resolve("sources.list"), sourceList(codename));
        Path lists = Files.createDirectories(work.resolve("lists/partial")).getParent();
        List<String> apt = new ArrayList<>(List.of(
                "apt-get",
                "-q",
                "-o",
                "Dir::Etc::SourceList=" + list,
                "-o",
                "Dir::Etc::SourceParts=/dev/null",
                "-o",
                "Dir::State::Lists=" + lists));
        List<String> update = new ArrayList<>(apt);
        update.add("update");
        VmmBuilder.step("apt-get update (deb-src " + codename + ")", work, update, progress);
        List<String> source = new ArrayList<>(apt);
        source.addAll(List.of("source", "--download-only", SOURCE_PACKAGE + "=" + version));
        VmmBuilder.step("apt-get source " + SOURCE_PACKAGE + "=" + version, sources, source, progress);
        if (!Files.isRegularFile(dsc)) {
            throw new LongBuild.Failure("apt-get source gave no " + dsc.getFileName() + " in " + sources);
        }
        return dsc;
    }

    /** {@code qemu_<version without epoch>.dsc}, the name Debian gives it. */
    static String dscName(String version) {
        return SOURCE_PACKAGE + "_" + version.substring(version.indexOf(':') + 1) + ".dsc";
    }

    /** deb-src lines for the release, its updates and its security updates (point releases move the version). */
    static String sourceList(String codename) {
        String signed = "deb-src [signed-by=" + KEYRING + "] ";
        return signed + MIRROR + " " + codename + " main\n"
                + signed + MIRROR + " " + codename + "-updates main\n"
                + signed + SECURITY + " " + codename + "-security main\n";
    }

    /** The release's code name from os-release ({@code VERSION_CODENAME}). */
    static String codename(Path osRelease) throws IOException {
        return Files.readAllLines(osRelease).stream()
                .filter(l -> l.startsWith("VERSION_CODENAME="))
                .map(l -> l.substring("VERSION_CODENAME=".length())
                        .replace("\"", "")
                        .strip())
                .filter(c -> c.matches("[a-z]{2,20}"))
                .findFirst()
                .orElseThrow(() -> new LongBuild.Failure("no VERSION_CODENAME in " + osRelease
                        + ": cannot tell which Debian release's QEMU source to fetch"));
    }
}
