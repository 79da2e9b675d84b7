package dev.wisp.runtime.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmmChoiceTest {
    @TempDir
    Path home;

    @Test
    void noChoiceAndNoBuild_isDebiansBinary() {
        assertThat(VmmChoice.resolve(null, home)).isEqualTo(VmmChoice.DEBIAN_BINARY);
        assertThat(VmmChoice.resolve(VmmChoice.DEBIAN, home)).isEqualTo(VmmChoice.DEBIAN_BINARY);
        assertThat(VmmChoice.nameOf(VmmChoice.DEBIAN_BINARY)).isEqualTo(VmmChoice.DEBIAN);
    }

    @Test
    void wispNotBuilt_saysHowToBuildIt() {
        assertThatThrownBy(() -> VmmChoice.resolve(VmmChoice.WISP, home))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wisp setup --vmm wisp");
    }

    @Test
    void fileThatIsNoExecutable_isRefusedInOneLine() throws Exception {
        Path text = Files.writeString(home.resolve("qemu.txt"), "not a binary");
        assertThatThrownBy(() -> VmmChoice.resolve(text.toString(), home))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("VMM '" + text + "' is not an executable file (wisp, debian or a path)");
        assertThatThrownBy(() -> VmmChoice.resolve(home.resolve("absent").toString(), home))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void usersOwnExecutable_isTakenAsGiven() {
        assertThat(VmmChoice.resolve("/bin/true", home)).isEqualTo("/bin/true");
        assertThat(VmmChoice.nameOf("/bin/true")).isEqualTo("custom");
    }

    @Test
    void buildOfThisConfiguration_isTheDefault_andOneOfAnotherIsNot() throws Exception {
        Path other = binaryIn(home.resolve("vmm/wisp/1_7.2+dfsg-7-000000000000"));
        assertThat(VmmChoice.resolve(null, home)).isEqualTo(VmmChoice.DEBIAN_BINARY);

        Path built = binaryIn(home.resolve("vmm/wisp/" + LeanQemuConfig.folderName("1_7.2+dfsg-7")));
        assertThat(VmmChoice.resolve(null, home)).isEqualTo(built.toString());
        assertThat(VmmChoice.resolve(VmmChoice.WISP, home)).isEqualTo(built.toString());
        assertThat(VmmChoice.nameOf(built.toString())).isEqualTo(VmmChoice.WISP);
        assertThat(VmmChoice.nameOf(other.toString())).isEqualTo(VmmChoice.WISP);
    }

    @Test
    void configurationHash_followsSourceVersion() {
        String a = LeanQemuConfig.folderName("1_7.2+dfsg-7+deb12u18");
        assertThat(a).startsWith("1_7.2+dfsg-7+deb12u18-").hasSize("1_7.2+dfsg-7+deb12u18-".length() + 12);
        assertThat(LeanQemuConfig.folderName("1_7.2+dfsg-7+deb12u19")).isNotEqualTo(a);
        assertThat(LeanQemuConfig.builtInto(a)).isTrue();
        assertThat(LeanQemuConfig.builtInto("1_7.2+dfsg-7+deb12u18-0123456789ab"))
                .isFalse();
        assertThat(LeanQemuConfig.devicesFile()).contains("CONFIG_MICROVM=y", "CONFIG_VIRTIO_NET=y");
        assertThat(LeanQemuConfig.text()).contains("--disable-tools", "--with-devices-x86_64=wisp");
    }

    @Test
    void source_namesDebiansFilesAndRelease() throws Exception {
        assertThat(LeanQemuSource.dscName("1:7.2+dfsg-7+deb12u18")).isEqualTo("qemu_7.2+dfsg-7+deb12u18.dsc");
        assertThat(LeanQemuSource.sourceList("bookworm"))
                .contains("deb.debian.org/debian bookworm main", "bookworm-security main");
        Path osRelease = Files.writeString(home.resolve("os-release"), "ID=debian\nVERSION_CODENAME=bookworm\n");
        assertThat(LeanQemuSource.codename(osRelease)).isEqualTo("bookworm");
        Path none = Files.writeString(home.resolve("none"), "ID=debian\n");
        assertThatThrownBy(() -> LeanQemuSource.codename(none)).hasMessageContaining("no VERSION_CODENAME");
    }

    /** A build folder's layout (the configuration beside bin/), with {@code true} as its binary. */
    private static Path binaryIn(Path folder) throws Exception {
        Path bin = Files.createDirectories(folder.resolve("bin")).resolve(VmmBuilder.BINARY);
        Files.copy(Path.of("/bin/true"), bin);
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(folder.resolve(LeanQemuConfig.FILE_NAME), LeanQemuConfig.text());
        return bin;
    }
}
