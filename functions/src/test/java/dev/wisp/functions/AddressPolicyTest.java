package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {
    private static final AddressPolicy DEFAULT = AddressPolicy.publicOnly();

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** {@code ::ffff:a.b.c.d} as a real 16-byte address (Java's parser would turn it into IPv4). */
    private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
        byte[] x = new byte[16];
        x[10] = (byte) 0xff;
        x[11] = (byte) 0xff;
        x[12] = (byte) a;
        x[13] = (byte) b;
        x[14] = (byte) c;
        x[15] = (byte) d;
        return Inet6Address.getByAddress(null, x, -1);
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, a loopback address",
        "127.255.255.254, a loopback address",
        "10.0.0.1, a private address",
        "10.255.255.255, a private address",
        "172.16.0.1, a private address",
        "172.31.255.255, a private address",
        "192.168.0.1, a private address",
        "192.168.255.255, a private address",
        "169.254.169.254, a link-local address",
        "169.254.0.1, a link-local address",
        "100.64.0.1, a shared (CGNAT) address",
        "100.127.255.255, a shared (CGNAT) address",
        "0.0.0.0, an unspecified address",
        "0.1.2.3, an unspecified address",
        "224.0.0.1, a multicast address",
        "239.255.255.250, a multicast address",
        "240.0.0.1, a reserved address",
        "255.255.255.255, a reserved address",
        "::1, a loopback address",
        "::, an unspecified address",
        "fe80::1, a link-local address",
        "febf:ffff::1, a link-local address",
        "fc00::1, a private address",
        "fd12:3456::1, a private address",
        "fec0::1, a private address",
        "ff02::1, a multicast address",
    })
    void internalAddresses_areRefused_sayingWhatTheyAre(String literal, String kind) throws Exception {
        assertThat(DEFAULT.refusal(ip(literal)))
                .hasValueSatisfying(why -> assertThat(why).endsWith(" is " + kind));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "1.1.1.1",
                "9.255.255.255",
                "11.0.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "192.167.255.255",
                "192.169.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "169.253.255.255",
                "169.255.0.0",
                "223.255.255.255",
                "2001:4860:4860::8888",
                "2606:4700::1111"
            })
    void publicAddresses_justOutsideEachRange_areAllowed(String literal) throws Exception {
        assertThat(DEFAULT.refusal(ip(literal))).isEmpty();
    }

    @Test
    void ipv4MappedAndOtherEmbeddingForms_areCheckedAsTheirIpv4Address() throws Exception {
        assertThat(DEFAULT.refusal(mapped(127, 0, 0, 1)))
                .hasValue("0:0:0:0:0:ffff:7f00:1 embeds 127.0.0.1, a loopback address");
        assertThat(DEFAULT.refusal(mapped(169, 254, 169, 254)))
                .hasValueSatisfying(w -> assertThat(w).endsWith("a link-local address"));
        assertThat(DEFAULT.refusal(mapped(10, 1, 2, 3)))
                .hasValueSatisfying(w -> assertThat(w).endsWith("a private address"));
        assertThat(DEFAULT.refusal(mapped(100, 64, 0, 1)))
                .hasValueSatisfying(w -> assertThat(w).endsWith("(CGNAT) address"));
        assertThat(DEFAULT.refusal(mapped(0, 0, 0, 0)))
                .hasValueSatisfying(w -> assertThat(w).endsWith("an unspecified address"));
        assertThat(DEFAULT.refusal(mapped(8, 8, 8, 8))).isEmpty();
        // Written as text, Java already hands back the IPv4 address; it is refused either way.
        assertThat(DEFAULT.refusal(ip("::ffff:127.0.0.1"))).hasValue("127.0.0.1 is a loopback address");
        assertThat(DEFAULT.refusal(ip("::ffff:a9fe:a9fe"))).hasValue("169.254.169.254 is a link-local address");
        assertThat(DEFAULT.refusal(ip("::127.0.0.1")))
                .hasValueSatisfying(w -> assertThat(w).endsWith("embeds 127.0.0.1, a loopback address"));
        assertThat(DEFAULT.refusal(ip("64:ff9b::a9fe:a9fe")))
                .hasValueSatisfying(w -> assertThat(w).endsWith("a link-local address"));
        assertThat(DEFAULT.refusal(ip("2002:0a00:0001::1")))
                .hasValueSatisfying(w -> assertThat(w).endsWith("embeds 10.0.0.1, a private address"));
        assertThat(DEFAULT.refusal(ip("2002:0808:0808::1"))).isEmpty();
        assertThat(DEFAULT.refusal(ip("64:ff9b::808:808"))).isEmpty();
    }

    @Test
    void theHostsOwnAddresses_areRefused() throws Exception {
        List<InetAddress> own = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .toList();
        assertThat(own).isNotEmpty();
        for (InetAddress a : own) {
            assertThat(DEFAULT.refusal(a)).as(a.toString()).isPresent();
        }
    }

    @Test
    void allowedNetworks_winOverRefusals_andOnlyThem() throws Exception {
        AddressPolicy p = AddressPolicy.allowing(List.of("127.0.0.2/32", "10.20.0.0/16", "fd00::/8", ""));
        assertThat(p.allowedNetworks()).containsExactly("127.0.0.2/32", "10.20.0.0/16", "fd00:0:0:0:0:0:0:0/8");
        assertThat(p.refusal(ip("127.0.0.2"))).isEmpty();
        assertThat(p.refusal(mapped(127, 0, 0, 2))).isEmpty();
        assertThat(p.refusal(ip("127.0.0.1"))).isPresent();
        assertThat(p.refusal(ip("10.20.255.1"))).isEmpty();
        assertThat(p.refusal(ip("10.21.0.1"))).isPresent();
        assertThat(p.refusal(ip("fd00::1"))).isEmpty();
        assertThat(p.refusal(ip("fc00::1"))).isPresent();
        assertThat(p.refusal(ip("169.254.169.254"))).isPresent();
        assertThat(AddressPolicy.allowing(List.of("127.0.0.1")).refusal(ip("127.0.0.1")))
                .as("a bare address is one host")
                .isEmpty();
        assertThat(AddressPolicy.allowing(List.of(" ", "")).allowedNetworks()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.0/33",
                "::/129",
                "10.0.0.0/x",
                "10.0.0.0/-1",
                "nonsense",
                "10.0.0/8",
                "300.1.1.1/32",
                "example.com/24"
            })
    void badNetworks_areRejectedNamingTheEntry(String cidr) {
        assertThatThrownBy(() -> AddressPolicy.allowing(List.of("10.1.0.0/16", cidr)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + cidr + "'");
    }

    @Test
    void resolve_checksWhatANameResolvesTo_withoutShowingTheAddress() {
        assertThatThrownBy(() -> DEFAULT.resolve("localhost"))
                .isInstanceOfSatisfying(AddressPolicy.Refused.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("localhost resolves to a loopback address");
                    assertThat(e.detail()).contains("127.0.0.1");
                });
        assertThatThrownBy(() -> DEFAULT.resolve("127.0.0.1")).hasMessage("127.0.0.1 is a loopback address");
        assertThatThrownBy(() -> DEFAULT.resolve("[::1]")).hasMessage("0:0:0:0:0:0:0:1 is a loopback address");
        assertThatThrownBy(() -> DEFAULT.resolve("[::ffff:169.254.169.254]"))
                .hasMessage("169.254.169.254 is a link-local address");
        // Other spellings of 127.0.0.1 resolve to it too.
        assertThatThrownBy(() -> DEFAULT.resolve("2130706433")).hasMessageEndingWith("resolves to a loopback address");
        assertThatThrownBy(() -> DEFAULT.resolve("127.1")).hasMessageEndingWith("resolves to a loopback address");
        assertThatThrownBy(() -> DEFAULT.resolve("no-such-host.invalid"))
                .hasMessage("host no-such-host.invalid does not resolve");
    }

    @Test
    void resolve_ofAnAllowedAddress_returnsExactlyWhatWasChecked() throws Exception {
        assertThat(DEFAULT.resolve("8.8.8.8")).containsExactly(ip("8.8.8.8"));
        assertThat(AddressPolicy.allowing(List.of("127.0.0.0/8")).resolve("localhost"))
                .containsExactly(ip("127.0.0.1"));
    }
}
