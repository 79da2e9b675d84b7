package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DebPackagesTest {
    @Test
    void aptOutput_groupsAlternativesAndVirtualProviders() {
        DebPackages.Depends d = DebPackages.parse("""
                nginx-common
                 |Depends: debconf
                  Depends: <debconf-2.0>
                    cdebconf
                    debconf
                  Breaks: nginx
                libnginx-mod-http-echo
                  Depends: <nginx-abi-1.22.1-7>
                    nginx
                  Depends: libc6
                  Recommends: nginx
                """);

        assertThat(d.byPackage().get("nginx-common"))
                .containsExactly(List.of("debconf", "debconf-2.0", "cdebconf", "debconf"));
        assertThat(d.byPackage().get("libnginx-mod-http-echo"))
                .containsExactly(List.of("nginx-abi-1.22.1-7", "nginx"), List.of("libc6"));
        assertThat(d.virtual()).contains("debconf-2.0", "nginx-abi-1.22.1-7");
    }

    @Test
    void nginxClosure_hasLibrariesButNotPackageTooling() {
        List<String> all = DebPackages.closure(List.of("nginx-light"), apt().env());

        assertThat(all)
                .contains("nginx-light", "nginx", "nginx-common", "libc6", "libssl3", "libpcre2-8-0", "zlib1g")
                .doesNotContain("debconf", "perl-base", "dpkg", "iproute2", "nginx-abi-1.22.1-7");
    }

    @Test
    void unknownPackage_isRejectedByName() {
        DebianApt apt = apt();
        assertThatThrownBy(() -> DebPackages.closure(List.of("nginx", "no-such-package-wisp"), apt.env()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("package not found: no-such-package-wisp");
    }

    /** Wisp's own apt configuration in the tests' home, its lists fetched when stale. */
    static DebianApt apt() {
        DebianApt apt = DebianApt.at(TestHome.home().resolve("debian/apt"));
        apt.update();
        return apt;
    }
}
