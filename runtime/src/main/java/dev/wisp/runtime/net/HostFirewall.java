package dev.wisp.runtime.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The nftables rules of one platform: a table {@code inet wisp-<pid>} on the host (made at start,
 * replacing a crashed run's, removed at close) and one in each VM's namespace. Text only: what
 * runs them is {@link TapNetworking}.
 *
 * <p>Host table: traffic in from any VM veth ({@code wv*}) to the host itself is dropped (replies
 * to connections the host opened excepted: the router's); nothing is forwarded to a VM unless it
 * answers a connection the VM opened (so no VM reaches another, of any tenant); a VM's forwarded
 * traffic to loopback, link-local (metadata), multicast or the VM range is dropped, IPv6 too;
 * then each VM's own chain, named in the {@code egress} map by its veth, applies its policy;
 * what leaves is masqueraded behind the host's address.
 */
final class HostFirewall {
    static final String VETH_PREFIX = "wv";
    /** Never reachable from a guest, whatever its policy (the host's own addresses are dropped on input). */
    static final List<String> NEVER =
            List.of("127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/8", "224.0.0.0/4", "255.255.255.255");

    private final String table;
    private final Ipv4Range range;
    /** The resolver guests' DNS is DNATed to in their namespace, or null: no guest DNS. */
    private final String dns;

    HostFirewall(long owner, Ipv4Range range, String dns) {
        this.table = "wisp-" + owner;
        this.range = range;
        this.dns = dns;
    }

    String table() {
        return table;
    }

    /** The table, replacing one of the same name (a crashed run with this pid). */
    String create() {
        String never = String.join(", ", NEVER) + ", " + range;
        return """
                table inet %1$s
                delete table inet %1$s
                table inet %1$s {
                    map egress {
                        type ifname : verdict
                    }
                    chain input {
                        type filter hook input priority filter - 10; policy accept;
                        iifname "%2$s*" ct state established,related accept
                        iifname "%2$s*" drop
                    }
                    chain forward {
                        type filter hook forward priority filter - 10; policy accept;
                        oifname "%2$s*" ct state established,related accept
                        oifname "%2$s*" drop
                        iifname "%2$s*" meta nfproto ipv6 drop
                        iifname "%2$s*" ip daddr { %3$s } drop
                        iifname vmap @egress
                    }
                    chain postrouting {
                        type nat hook postrouting priority srcnat; policy accept;
                        ip saddr %4$s oifname != "%2$s*" masquerade
                    }
                }
                """.formatted(table, VETH_PREFIX, never, range);
    }

    /** A VM's chain, with policy none, bound to its veth. */
    String addVm(String veth) {
        return "add chain inet %1$s vm-%2$s\nadd rule inet %1$s vm-%2$s drop\nadd element inet %1$s egress { \"%2$s\" : jump vm-%2$s }\n"
                .formatted(table, veth);
    }

    /** Replaces a VM's policy; names in an allow-list are resolved now (IPv4). */
    String policy(String veth, Egress egress) throws UnknownHostException {
        StringBuilder s = new StringBuilder("flush chain inet %1$s vm-%2$s\n".formatted(table, veth));
        for (String rule : rules(egress, dns)) {
            s.append("add rule inet %s vm-%s %s\n".formatted(table, veth, rule));
        }
        return s.toString();
    }

    /**
     * A policy's rules. {@code dns}: the guests' resolver (or null); an allow-list that grants DNS
     * lets the guest's queries to it through (they arrive DNATed from {@link GuestDns#GUEST_RESOLVER}).
     */
    static List<String> rules(Egress egress, String dns) throws UnknownHostException {
        List<String> out = new ArrayList<>();
        switch (egress.kind()) {
            case NONE -> out.add("drop");
            case INTERNET -> out.add("accept");
            case ALLOW -> {
                if (egress.dns() && dns != null) {
                    out.add("ip daddr " + dns + " udp dport 53 accept");
                    out.add("ip daddr " + dns + " tcp dport 53 accept");
                }
                for (Egress.Destination d : egress.allow()) {
                    for (String ip : ipv4(d.host())) {
                        out.add("ip daddr " + ip + " " + d.protocol().nft() + " dport " + d.port() + " accept");
                    }
                }
                out.add("drop");
            }
        }
        return out;
    }

    /** A VM's chain and map entry gone. */
    String removeVm(String veth) {
        return "delete element inet %1$s egress { \"%2$s\" }\ndelete chain inet %1$s vm-%2$s\n".formatted(table, veth);
    }

    String drop() {
        return "delete table inet " + table + "\n";
    }

    private static Set<String> ipv4(String host) throws UnknownHostException {
        Set<String> out = new LinkedHashSet<>();
        for (InetAddress a : InetAddress.getAllByName(host)) {
            if (a instanceof Inet4Address) {
                out.add(a.getHostAddress());
            }
        }
        if (out.isEmpty()) {
            throw new UnknownHostException(host + " has no IPv4 address");
        }
        return out;
    }

    /**
     * The rules inside a VM's namespace: the host's connections to the guest, the guest's out. Any
     * TCP port the host opens is the guest's (a slot made ahead knows no port yet; only the host
     * reaches the namespace), and only a SYN opens one: a stray mid-stream packet of a VM that
     * had this slot before starts no connection to this guest.
     */
    static String namespaceRules(String dns) {
        // The guest's DNS (to 10.0.2.3, as on user networking) goes to the resolver, then faces the egress policy.
        String dnsRules = dns == null ? "" : """
                        iifname "%1$s" ip daddr %2$s udp dport 53 dnat to %3$s
                        iifname "%1$s" ip daddr %2$s tcp dport 53 dnat to %3$s
                """.formatted(NetSlot.TAP, GuestDns.GUEST_RESOLVER, dns);
        return """
                table ip wisp {
                    chain prerouting {
                        type nat hook prerouting priority dstnat; policy accept;
                        iifname "eth0" tcp flags & (syn | ack) == syn dnat to %1$s
                %3$s    }
                    chain postrouting {
                        type nat hook postrouting priority srcnat; policy accept;
                        oifname "eth0" masquerade
                    }
                    chain input {
                        type filter hook input priority filter; policy accept;
                        iifname "%2$s" drop
                    }
                }
                """.formatted(TapNetworking.GUEST_ADDRESS, NetSlot.TAP, dnsRules);
    }
}
