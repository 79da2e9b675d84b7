package dev.wisp.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.runtime.jail.Privileges;
import dev.wisp.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real namespaces, veths, TAPs and nftables (root), no VM: what a slot makes, and that it all goes. */
class TapNetworkingTest {
    @Test
    void slot_makesNamespaceVethTapAndRules_releaseAndCloseRemoveThem() throws Exception {
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
                    .contains("tcp flags syn / syn,ack dnat to 10.0.2.15")
                    .contains("ip daddr 10.0.2.3 udp dport 53 dnat to 192.0.2.53");
            slot.egress(Egress.parse("198.51.100.2:8081"));
            assertThat(NetCommands.run(List.of("nft", "list", "chain", "inet", table, "vm-" + veth), ""))
                    .contains("ip daddr 198.51.100.2 tcp dport 8081 accept");
            assertThat(slot.netdev(true)).isEqualTo("tap,id=net0,fd=3");
        } finally {
            slot.release();
        }
        // Taken down in the background: a stop does not wait for it.
        Await.until(Duration.ofSeconds(60), "the released slot to be gone", net::settled);
        assertThat(NetCommands.run(List.of("ip", "netns", "list"), "")).doesNotContain(ns);
        assertThat(NetCommands.run(List.of("ip", "-o", "link", "show"), "")).doesNotContain(veth + "@");
        assertThat(net.held()).isZero();
        net.close();
        assertThat(NetCommands.run(List.of("nft", "list", "tables"), "")).doesNotContain(table + "\n");
    }

    @Test
    void readySlots_madeAheadWithNoEgress_takenByAcquire_closeRemovesThem() throws Exception {
        assertThat(Privileges.isRoot()).as("TAP networking needs root").isTrue();
        TapNetworking net = TapNetworking.open(Ipv4Range.parse(NetworkConfig.DEFAULT_RANGE), null, 2);
        String table = "wisp-" + ProcessHandle.current().pid();
        try {
            Await.until(Duration.ofSeconds(60), "two slots made ahead", () -> net.ready() == 2 && net.settled());
            List<String> ahead = OwnNamespaces.list();
            assertThat(ahead).hasSize(2);
            assertThat(net.held()).isZero();
            NetSlot slot = net.acquire("unit-ahead", 8080);
            String veth = TapNetworking.veth(((TapSlot) slot).slot());
            assertThat(ahead).contains(slot.namespace().orElseThrow());
            assertThat(net.held()).isEqualTo(1);
            // Until its policy is applied a slot made ahead lets its guest reach nothing.
            assertThat(NetCommands.run(List.of("nft", "list", "chain", "inet", table, "vm-" + veth), ""))
                    .contains("drop")
                    .doesNotContain("accept");
            slot.egress(Egress.parse("198.51.100.2:8081"));
            assertThat(NetCommands.run(List.of("nft", "list", "chain", "inet", table, "vm-" + veth), ""))
                    .contains("ip daddr 198.51.100.2 tcp dport 8081 accept");
            String taken = NetCommands.run(List.of("ip", "-o", "link", "show", "dev", veth), "");
            // The pool makes another in the background; the taken one goes at release, not back to the pool:
            // a slot of the same number is a new namespace with a new veth (interface indexes are not reused).
            slot.release();
            Await.until(Duration.ofSeconds(60), "the pool refilled", () -> net.ready() == 2 && net.settled());
            assertThat(OwnNamespaces.list()).hasSize(2);
            assertThat(NetCommands.run(List.of("ip", "-o", "link", "show"), "")).doesNotContain(taken.strip());
            assertThat(net.held()).isZero();
        } finally {
            net.close();
        }
        assertThat(OwnNamespaces.list()).isEmpty();
        assertThat(NetCommands.run(List.of("ip", "-o", "link", "show"), ""))
                .doesNotContain("link-netns wisp-" + ProcessHandle.current().pid() + "-");
        assertThat(NetCommands.run(List.of("nft", "list", "tables"), "")).doesNotContain(table + "\n");
    }

    @Test
    void open_removesSlotsMadeAheadByAPlatformKilledWithSigkill() throws Exception {
        assertThat(Privileges.isRoot()).as("TAP networking needs root").isTrue();
        Process child = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReadySlotsHolder.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            assertThat(out.readLine()).isEqualTo(ReadySlotsHolder.READY);
        }
        String prefix = "wisp-" + child.pid() + "-";
        assertThat(NetCommands.run(List.of("ip", "netns", "list"), "")).contains(prefix);
        child.destroyForcibly();
        child.waitFor();
        TapNetworking net = TapNetworking.open(Ipv4Range.parse(NetworkConfig.DEFAULT_RANGE), null);
        try {
            assertThat(NetCommands.run(List.of("ip", "netns", "list"), "")).doesNotContain(prefix);
            assertThat(NetCommands.run(List.of("nft", "list", "tables"), ""))
                    .doesNotContain("wisp-" + child.pid() + "\n");
        } finally {
            net.close();
        }
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
