package dev.wisp.functions;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which network addresses the platform may connect to on a user's behalf (function callbacks, and
 * any other URL a user hands the platform to fetch or post to). By default only public unicast
 * addresses: loopback, link-local (169.254/16, fe80::/10, so cloud metadata at 169.254.169.254),
 * private (10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10), shared CGNAT (100.64/10),
 * unspecified (0/8, ::), multicast, reserved (240/4, 192.0.0/24, 198.18/15, documentation nets) and the host's own
 * interface addresses are refused, and so is any IPv6 form that embeds such an IPv4 address
 * (mapped {@code ::ffff:a.b.c.d}, compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4
 * {@code 2002::/16}). The operator may allow networks explicitly ({@link #allowing}); an allowed
 * network wins over every refusal.
 *
 * <p>A name must be checked where it is used: {@link #resolve} resolves it once and checks every
 * address it resolves to, and the caller connects only to an address it returned, so a DNS answer
 * that changes between the check and the connection (rebinding) cannot slip through.
 */
public final class AddressPolicy {
    /** A network in CIDR form. */
    private record Net(byte[] prefix, int bits, String label) {
        static Net parse(String cidr, String label) {
            String s = cidr.strip();
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            byte[] bytes = literal(addr);
            if (bytes == null) {
                throw new IllegalArgumentException("not a network (CIDR like 10.1.0.0/16 or fd00::/8): '" + cidr + "'");
            }
            int max = bytes.length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("prefix length must be 0-" + max + " in '" + cidr + "'");
            }
            return new Net(bytes, bits, label);
        }

        boolean contains(byte[] a) {
            if (a.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (prefix[full] & mask);
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(prefix).getHostAddress() + "/" + bits;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final List<Net> REFUSED = List.of(
            Net.parse("0.0.0.0/8", "an unspecified"),
            Net.parse("127.0.0.0/8", "a loopback"),
            Net.parse("10.0.0.0/8", "a private"),
            Net.parse("172.16.0.0/12", "a private"),
            Net.parse("192.168.0.0/16", "a private"),
            Net.parse("100.64.0.0/10", "a shared (CGNAT)"),
            Net.parse("169.254.0.0/16", "a link-local"),
            Net.parse("192.0.0.0/24", "a reserved"),
            Net.parse("198.18.0.0/15", "a reserved"),
            Net.parse("192.0.2.0/24", "a reserved"),
            Net.parse("198.51.100.0/24", "a reserved"),
            Net.parse("203.0.113.0/24", "a reserved"),
            Net.parse("224.0.0.0/4", "a multicast"),
            Net.parse("240.0.0.0/4", "a reserved"),
            Net.parse("::/128", "an unspecified"),
            Net.parse("::1/128", "a loopback"),
            Net.parse("fe80::/10", "a link-local"),
            Net.parse("fec0::/10", "a private"),
            Net.parse("fc00::/7", "a private"),
            Net.parse("ff00::/8", "a multicast"));
    /** IPv6 forms carrying an IPv4 address, and where it sits in the 16 bytes. */
    private static final List<Net> EMBEDS_V4_AT_12 = List.of(
            Net.parse("::ffff:0:0/96", "IPv4-mapped"),
            Net.parse("::/96", "IPv4-compatible"),
            Net.parse("64:ff9b::/96", "NAT64"));

    private static final Net SIX_TO_FOUR = Net.parse("2002::/16", "6to4");

    private static final AddressPolicy PUBLIC_ONLY = new AddressPolicy(List.of());

    private final List<Net> allowed;

    private AddressPolicy(List<Net> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Public unicast addresses only: the default. */
    public static AddressPolicy publicOnly() {
        return PUBLIC_ONLY;
    }

    /**
     * Public addresses plus the given networks, e.g. {@code ["10.20.0.0/16", "127.0.0.1/32", "fd00::/8"]}
     * (an address without a prefix length is one host).
     *
     * @throws IllegalArgumentException naming the first entry that is no network
     */
    public static AddressPolicy allowing(List<String> cidrs) {
        List<Net> nets = new ArrayList<>();
        for (String c : cidrs) {
            if (!c.isBlank()) {
                nets.add(Net.parse(c, "allowed"));
            }
        }
        return nets.isEmpty() ? PUBLIC_ONLY : new AddressPolicy(nets);
    }

    /** The networks allowed beyond public addresses, in CIDR form (empty by default). */
    public List<String> allowedNetworks() {
        return allowed.stream().map(Net::toString).toList();
    }

    /**
     * Why the address may not be connected to, e.g. {@code "127.0.0.1 is a loopback address"}, or
     * empty if it may.
     */
    public Optional<String> refusal(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] v4 = embeddedV4(a);
        for (Net n : allowed) {
            if (n.contains(a) || v4 != null && n.contains(v4)) {
                return Optional.empty();
            }
        }
        String shown = address.getHostAddress();
        for (Net n : REFUSED) {
            if (n.contains(a)) {
                return Optional.of(shown + " is " + n.label() + " address");
            }
        }
        if (v4 != null) {
            for (Net n : REFUSED) {
                if (n.contains(v4)) {
                    return Optional.of(shown + " embeds " + ipv4(v4) + ", " + n.label() + " address");
                }
            }
        }
        if (isLocalInterface(address) || v4 != null && isLocalInterface(ipv4Address(v4))) {
            return Optional.of(shown + " is an address of this host");
        }
        return Optional.empty();
    }

    /**
     * Resolves a host name or address literal once and checks every address it resolves to.
     *
     * @return the addresses to connect to (all allowed), in the resolver's order
     * @throws Refused if any of them is refused (the message names the kind, not the address, so a
     *                 caller can show it to the user without revealing internal DNS), or the name does not resolve
     */
    public List<InetAddress> resolve(String host) throws Refused {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(h);
        } catch (UnknownHostException e) {
            throw new Refused("host " + host + " does not resolve", "host " + host + " does not resolve");
        }
        boolean literal = literal(h) != null;
        for (InetAddress a : all) {
            Optional<String> why = refusal(a);
            if (why.isPresent()) {
                String user = literal ? why.get() : host + " resolves to " + kind(why.get());
                throw new Refused(user, host + " -> " + why.get());
            }
        }
        return List.of(all);
    }

    /** An address that may not be connected to, or a host that does not resolve. */
    public static final class Refused extends Exception {
        private final String detail;

        Refused(String message, String detail) {
            super(message);
            this.detail = detail;
        }

        /** The full reason with the address, for the platform's own log. */
        public String detail() {
            return detail;
        }
    }

    /** "10.1.2.3 is a private address" -> "a private address". */
    private static String kind(String reason) {
        int is = reason.indexOf(" is ");
        int embeds = reason.indexOf(", ");
        return embeds >= 0 ? reason.substring(embeds + 2) : is >= 0 ? reason.substring(is + 4) : reason;
    }

    private static byte[] embeddedV4(byte[] a) {
        if (a.length != 16) {
            return null;
        }
        for (Net n : EMBEDS_V4_AT_12) {
            if (n.contains(a) && !isZeroOrOne(a)) {
                return Arrays.copyOfRange(a, 12, 16);
            }
        }
        return SIX_TO_FOUR.contains(a) ? Arrays.copyOfRange(a, 2, 6) : null;
    }

    /** :: and ::1 are in ::/96 but are themselves, not IPv4 0.0.0.0 and 0.0.0.1. */
    private static boolean isZeroOrOne(byte[] a) {
        for (int i = 0; i < 15; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[15] == 0 || a[15] == 1;
    }

    private static boolean isLocalInterface(InetAddress a) {
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static InetAddress ipv4Address(byte[] v4) {
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ipv4(byte[] v4) {
        return ipv4Address(v4).getHostAddress();
    }

    /** The bytes of an IPv4 dotted quad or IPv6 literal, without a DNS lookup; null if it is neither. */
    private static byte[] literal(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                && Arrays.stream(t.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        boolean v6 = t.contains(":") && t.matches("[0-9a-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            byte[] b = InetAddress.getByName(t).getAddress();
            if (v6 && b.length == 4) {
                // Java turns ::ffff:a.b.c.d into an IPv4 address; keep the 16 bytes so /96 prefixes match.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(b, 0, mapped, 12, 4);
                return mapped;
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
