package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What of a configured Debian root an initramfs holds (a small root laid out as dpkg leaves one). */
class DebImageTest {
    @TempDir
    Path root;

    @Test
    void droppedPackage_leavesOutItsFilesAndTheAlternativesLeadingToThem() throws Exception {
        Path info = Files.createDirectories(root.resolve(DebianRoot.DPKG_INFO));
        Files.writeString(info.resolve("mawk.list"), "/.\n/usr\n/usr/bin\n/usr/bin/mawk\n");
        Files.writeString(info.resolve("nginx.list"), "/.\n/usr\n/usr/sbin\n/usr/sbin/nginx\n/etc/nginx/nginx.conf\n");
        Files.writeString(info.resolve("libc6:amd64.list"), "/.\n/lib/x86_64-linux-gnu/libc.so.6\n");
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        Files.createDirectories(root.resolve("etc/alternatives"));
        Files.createDirectories(root.resolve("etc/nginx/sites-enabled"));
        Files.writeString(root.resolve("usr/bin/mawk"), "elf");
        Files.writeString(root.resolve("usr/sbin/nginx"), "elf");
        Files.writeString(root.resolve("usr/lib/x86_64-linux-gnu/libc.so.6"), "elf");
        Files.writeString(root.resolve("etc/nginx/nginx.conf"), "events {}");
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(root.resolve("etc/alternatives/awk"), Path.of("/usr/bin/mawk"));
        Files.createSymbolicLink(root.resolve("usr/bin/awk"), Path.of("/etc/alternatives/awk"));
        Files.createSymbolicLink(
                root.resolve("etc/nginx/sites-enabled/default"), Path.of("/etc/nginx/sites-available/default"));
        Files.createDirectories(root.resolve("etc/nginx/sites-available"));
        Files.writeString(root.resolve("etc/nginx/sites-available/default"), "server {}");

        Set<String> dropped = DebianRoot.filesOutside(root, Set.of("nginx", "libc6"));
        DebImage deb = new DebImage(root, true, List.of(), List.of("nginx", "libc6"), dropped, 0);

        assertThat(dropped).containsExactly("usr/bin/mawk");
        assertThat(deb.placeInInitramfs("usr/bin/mawk")).isNull();
        assertThat(deb.placeInInitramfs("usr/bin/awk"))
                .as("busybox's awk takes its place")
                .isNull();
        assertThat(deb.placeInInitramfs("etc/alternatives/awk")).isNull();
        assertThat(deb.placeInInitramfs("bin"))
                .as("the image has its own merged-/usr links")
                .isNull();
        assertThat(deb.placeInInitramfs("var/lib/dpkg/info/mawk.list")).isNull();
        assertThat(deb.placeInInitramfs("usr/sbin/nginx")).isEqualTo("usr/sbin/nginx");
        assertThat(deb.placeInInitramfs("usr/lib/x86_64-linux-gnu/libc.so.6"))
                .isEqualTo("usr/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(deb.placeInInitramfs("etc/nginx/sites-enabled/default"))
                .as("a link a maintainer script made, to a kept file")
                .isEqualTo("etc/nginx/sites-enabled/default");
    }

    @Test
    void pins_areCheckedBeforeAnythingIsFetched() {
        DebianApt.validate("nodejs=18.20.4+dfsg-1~deb12u2");
        DebianApt.validate("libc6");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DebianApt.validate("Nginx"))
                .hasMessage("not a Debian package name: Nginx");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DebianApt.validate("nginx=1.0 && rm -rf /"))
                .hasMessageStartingWith("not a Debian version in nginx=1.0 && rm -rf /");
        assertThat(DebianApt.name("nodejs=18.20.4+dfsg-1~deb12u2")).isEqualTo("nodejs");
    }
}
