package dev.wisp.runtime.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a service's guests may open connections (see docs/networking.md). Whatever the policy, a
 * guest never reaches the host's own addresses, link-local addresses or another VM: those rules
 * come first. Enforced on TAP networking; on user networking guests reach nothing at all, DNS
 * included (docs/networking.md says why).
 *
 * <p>An allow-list entry is {@code HOST:PORT} (TCP, the common case: an API, a database) or
 * {@code HOST:PORT/udp} ({@code /tcp} may be written too). An allow-list guest may also ask the
 * platform's resolver ({@link GuestDns}) when the list names a host by name (the app must
 * resolve it) or holds the word {@code dns}; an allow-list of addresses alone gets no DNS.
 *
 * @param kind  none, internet or an allow-list
 * @param allow the destinations of an allow-list (empty otherwise)
 * @param dns   whether the guest may ask the platform's resolver (always under {@code internet},
 *              never under {@code none})
 */
public record Egress(Kind kind, List<Destination> allow, boolean dns) {
    /** Most destinations in one allow-list. */
    public static final int MAX_DESTINATIONS = 32;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String DNS = "dns";
    private static final String FORMS = "egress must be none, internet or a list of HOST:PORT, HOST:PORT/udp and dns";

    /** The default: a guest opens no connection anywhere. */
    public static final Egress NONE = new Egress(Kind.NONE, List.of(), false);
    /** Anywhere outside the host, NATed out through the host's own address. */
    public static final Egress INTERNET = new Egress(Kind.INTERNET, List.of(), true);

    /** The transport of an allow-list entry. */
    public enum Protocol {
        TCP,
        UDP;

        String nft() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The kinds of policy. */
    public enum Kind {
        NONE,
        INTERNET,
        ALLOW
    }

    /**
     * One allowed destination: an IPv4 address or a name resolved when the policy is applied, a
     * port and its transport.
     */
    public record Destination(String host, int port, Protocol protocol) {
        /** A TCP destination. */
        public Destination(String host, int port) {
            this(host, port, Protocol.TCP);
        }

        public Destination {
            if (host == null || !HOST.matcher(host).matches()) {
                throw new IllegalArgumentException(
                        "egress destination host '" + host + "' is not a host name or IPv4 address");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("egress destination port must be 1..65535, got " + port);
            }
            if (protocol == null) {
                throw new IllegalArgumentException("egress destination " + host + ":" + port + " needs a protocol");
            }
        }

        /** Whether the host is a name (resolved by the guest too, so it needs DNS), not an address. */
        boolean named() {
            return !IPV4.matcher(host).matches();
        }

        @Override
        public String toString() {
            return host + ":" + port + (protocol == Protocol.UDP ? "/udp" : "");
        }
    }

    public Egress {
        allow = List.copyOf(allow);
        if (kind == Kind.ALLOW && allow.isEmpty()) {
            throw new IllegalArgumentException("an egress allow-list needs at least one HOST:PORT");
        }
        if (kind != Kind.ALLOW && dns != (kind == Kind.INTERNET)) {
            throw new IllegalArgumentException("egress none never has DNS, egress internet always has it");
        }
        if (kind != Kind.ALLOW && !allow.isEmpty()) {
            throw new IllegalArgumentException("egress " + kind + " takes no destinations");
        }
        if (allow.size() > MAX_DESTINATIONS) {
            throw new IllegalArgumentException(
                    "an egress allow-list holds at most " + MAX_DESTINATIONS + " destinations, got " + allow.size());
        }
    }

    /**
     * Parses {@code none}, {@code internet} or a comma-separated list of {@code HOST:PORT},
     * {@code HOST:PORT/udp} (or {@code /tcp}) and {@code dns}; null or blank is {@code none}.
     * Bad input: an {@link IllegalArgumentException} with a one-line message.
     */
    public static Egress parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        String t = text.strip();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "none":
                return NONE;
            case "internet":
                return INTERNET;
            default:
                break;
        }
        List<Destination> out = new ArrayList<>();
        boolean dns = false;
        for (String part : t.split(",")) {
            String p = part.strip();
            if (p.equalsIgnoreCase(DNS)) {
                dns = true;
            } else {
                out.add(destination(p));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(FORMS + "; 'dns' alone allows nothing to ask about");
        }
        return new Egress(Kind.ALLOW, out, dns || out.stream().anyMatch(Destination::named));
    }

    private static Destination destination(String p) {
        Protocol protocol = Protocol.TCP;
        String hostPort = p;
        int slash = p.indexOf('/');
        if (slash >= 0) {
            String proto = p.substring(slash + 1);
            protocol = switch (proto.toLowerCase(Locale.ROOT)) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                default ->
                    throw new IllegalArgumentException(
                            "egress destination '" + p + "': protocol must be tcp or udp, got '" + proto + "'");
            };
            hostPort = p.substring(0, slash);
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException(FORMS + "; '" + p + "' has no :PORT");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("egress destination '" + p + "': port is not a number");
        }
        return new Destination(hostPort.substring(0, colon), port, protocol);
    }

    /**
     * The text {@link #parse} reads back: {@code none}, {@code internet} or {@code a:1,b:2/udp}
     * ({@code dns} added only where the list alone would not imply it).
     */
    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case INTERNET -> "internet";
            case ALLOW -> {
                List<String> parts = new ArrayList<>(
                        allow.stream().map(Destination::toString).toList());
                if (dns && allow.stream().noneMatch(Destination::named)) {
                    parts.add(DNS);
                }
                yield String.join(",", parts);
            }
        };
    }
}
