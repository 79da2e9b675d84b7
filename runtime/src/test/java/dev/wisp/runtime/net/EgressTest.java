package dev.wisp.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressTest {
    @Test
    void parse_readsNoneInternetAndAllowLists() {
        assertThat(Egress.parse(null)).isEqualTo(Egress.NONE);
        assertThat(Egress.parse(" Internet ")).isEqualTo(Egress.INTERNET);
        Egress allow = Egress.parse("198.51.100.2:80, db.example:5432");
        assertThat(allow.kind()).isEqualTo(Egress.Kind.ALLOW);
        assertThat(allow.allow())
                .containsExactly(
                        new Egress.Destination("198.51.100.2", 80), new Egress.Destination("db.example", 5432));
        assertThat(Egress.parse(allow.toString())).isEqualTo(allow);
    }

    @Test
    void parse_udpEntriesAndDns_roundTrip() {
        Egress allow = Egress.parse("198.51.100.2:53/udp,198.51.100.2:443/TCP,dns");
        assertThat(allow.allow())
                .containsExactly(
                        new Egress.Destination("198.51.100.2", 53, Egress.Protocol.UDP),
                        new Egress.Destination("198.51.100.2", 443, Egress.Protocol.TCP));
        assertThat(allow.dns()).isTrue();
        assertThat(allow).hasToString("198.51.100.2:53/udp,198.51.100.2:443,dns");
        assertThat(Egress.parse(allow.toString())).isEqualTo(allow);
    }

    @Test
    void parse_dnsFollowsThePolicy_namesImplyIt_addressesAloneDoNot() {
        assertThat(Egress.NONE.dns()).isFalse();
        assertThat(Egress.INTERNET.dns()).isTrue();
        assertThat(Egress.parse("198.51.100.2:80").dns()).isFalse();
        Egress named = Egress.parse("db.example:5432");
        assertThat(named.dns()).isTrue();
        assertThat(named).hasToString("db.example:5432");
    }

    @Test
    void parse_badInput_saysWhatIsWrongInOneLine() {
        assertThatThrownBy(() -> Egress.parse("somewhere"))
                .hasMessage(
                        "egress must be none, internet or a list of HOST:PORT, HOST:PORT/udp and dns; 'somewhere' has no :PORT");
        assertThatThrownBy(() -> Egress.parse("a:53/sctp")).hasMessageContaining("protocol must be tcp or udp");
        assertThatThrownBy(() -> Egress.parse("dns")).hasMessageContaining("'dns' alone");
        assertThatThrownBy(() -> Egress.parse("a:http")).hasMessageContaining("port is not a number");
        assertThatThrownBy(() -> Egress.parse("a:70000")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> Egress.parse("a b:1")).hasMessageContaining("not a host name");
        String many = String.join(",", java.util.Collections.nCopies(33, "h:1"));
        assertThatThrownBy(() -> Egress.parse(many)).hasMessageContaining("at most 32");
    }

    @Test
    void rules_allowListAcceptsOnlyItsDestinationsThenDrops() throws UnknownHostException {
        assertThat(HostFirewall.rules(Egress.NONE, "192.0.2.53")).containsExactly("drop");
        assertThat(HostFirewall.rules(Egress.INTERNET, "192.0.2.53")).containsExactly("accept");
        assertThat(HostFirewall.rules(Egress.parse("198.51.100.2:8081"), "192.0.2.53"))
                .isEqualTo(List.of("ip daddr 198.51.100.2 tcp dport 8081 accept", "drop"));
    }

    @Test
    void rules_udpEntriesAndDns_acceptTheirProtocolAndTheResolverOnly() throws UnknownHostException {
        assertThat(HostFirewall.rules(Egress.parse("198.51.100.2:5353/udp,dns"), "192.0.2.53"))
                .isEqualTo(List.of(
                        "ip daddr 192.0.2.53 udp dport 53 accept",
                        "ip daddr 192.0.2.53 tcp dport 53 accept",
                        "ip daddr 198.51.100.2 udp dport 5353 accept",
                        "drop"));
        // A host without a guest resolver: nothing to let through.
        assertThat(HostFirewall.rules(Egress.parse("198.51.100.2:80,dns"), null))
                .isEqualTo(List.of("ip daddr 198.51.100.2 tcp dport 80 accept", "drop"));
    }

    @Test
    void hostTable_dropsHostLinkLocalAndOtherVmsBeforeAnyPolicy() {
        String table = new HostFirewall(42, Ipv4Range.parse("10.200.0.0/16"), null).create();
        int never = table.indexOf("169.254.0.0/16");
        assertThat(never).isPositive().isLessThan(table.indexOf("vmap @egress"));
        assertThat(table)
                .contains("iifname \"wv*\" drop")
                .contains("oifname \"wv*\" drop")
                .contains("10.200.0.0/16 } drop")
                .contains("127.0.0.0/8");
    }

    @Test
    void range_cutsIntoSlashThirtiesAndRejectsBadPrefixes() {
        Ipv4Range r = Ipv4Range.parse("10.200.0.0/16");
        assertThat(r.slots()).isEqualTo(16384);
        assertThat(r.hostSide(1)).isEqualTo("10.200.0.5");
        assertThat(r.namespaceSide(1)).isEqualTo("10.200.0.6");
        assertThatThrownBy(() -> Ipv4Range.parse("10.0.0.0/8")).hasMessageContaining("/16 to /28");
        assertThatThrownBy(() -> Ipv4Range.parse("10.200.0.1/16")).hasMessageContaining("host bits");
    }
}
