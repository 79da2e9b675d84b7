package dev.wisp.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.runtime.jail.Privileges;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real namespaces, veths, TAPs and nftables (root), no VM: what a slot makes, and that it all goes. */
class TapNetworkingTest {
    @Test
    void slot_makesNamespaceVethTapAndRules_releaseAndCloseRemoveThem() throws IOException {
        assertThat(Privileges.isRoot()).as("TAP networking needs root").isTrue();
        TapNetworking net = TapNetworking.open(Ipv4Range.parse(NetworkConfig.DEFAULT_RANGE), "192.0.2.53");
        String table = "wisp-" + ProcessHandle.current().pid();
        NetSlot slot = net.acquire("unit", 8080);
        String ns = slot.namespace().orElseThrow();
        String veth = TapNetworking.veth(((TapSlot) slot).slot());
        try {
            assertThat(NetCommands.run(List.of("ip", "netns", "list"), "")).contains(ns);
            assertThat(NetCommands.run(List.of("ip", "-o", "addr", "show", "dev", veth), ""))
                    .contains(slot.address().replaceAll("\\.\\d+$", "."));
            assertThat(NetCommands.shIn(ns, "ip -o addr show dev tap0")).contains("10.0.2.2/24");
            assertThat(NetCommands.shIn(ns, "ip -o addr show dev tap0")).contains("10.0.2.3/24");
            assertThat(NetCommands.shIn(ns, "nft list ruleset"))
                    .contains("dnat to 10.0.2.15")
                    .contains("ip daddr 10.0.2.3 udp dport 53 dnat to 192.0.2.53");
            slot.egress(Egress.parse("198.51.100.2:8081"));
            assertThat(NetCommands.run(List.of("nft", "list", "chain", "inet", table, "vm-" + veth), ""))
                    .contains("ip daddr 198.51.100.2 tcp dport 8081 accept");
            assertThat(slot.netdev(true)).isEqualTo("tap,id=net0,fd=3");
        } finally {
            slot.release();
        }
        assertThat(NetCommands.run(List.of("ip", "netns", "list"), "")).doesNotContain(ns);
        assertThat(NetCommands.run(List.of("ip", "-o", "link", "show"), "")).doesNotContain(veth + "@");
        assertThat(net.held()).isZero();
        net.close();
        assertThat(NetCommands.run(List.of("nft", "list", "tables"), "")).doesNotContain(table + "\n");
    }

    @Test
    void open_sweepsNamespacesAndTablesOfAPlatformThatIsGone() throws Exception {
        assertThat(Privileges.isRoot()).as("TAP networking needs root").isTrue();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long dead = gone.pid();
        String ns = "wisp-" + dead + "-3fff";
        NetCommands.sh("ip netns add " + ns + "\nip link add wv3fff type veth peer name eth0 netns " + ns);
        NetCommands.nft("table inet wisp-" + dead + " {\n}\n");
        TapNetworking net = TapNetworking.open(Ipv4Range.parse(NetworkConfig.DEFAULT_RANGE), null);
        try {
            assertThat(NetCommands.run(List.of("ip", "netns", "list"), "")).doesNotContain(ns);
            assertThat(NetCommands.run(List.of("ip", "-o", "link", "show"), "")).doesNotContain("wv3fff");
            assertThat(NetCommands.run(List.of("nft", "list", "tables"), ""))
                    .doesNotContain("wisp-" + dead + "\n")
                    .contains("wisp-" + ProcessHandle.current().pid());
        } finally {
            net.close();
        }
    }
}
