package dev.wisp.runtime.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a service's guests may open connections (see docs/networking.md). Whatever the policy, a
 * guest never reaches the host's own addresses, link-local addresses or another VM: those rules
 * come first. Enforced only on TAP networking; on user networking guests reach nothing at all.
 *
 * @param kind  none, internet or an allow-list
 * @param allow the TCP destinations of an allow-list (empty otherwise)
 */
public record Egress(Kind kind, List<Destination> allow) {
    /** Most destinations in one allow-list. */
    public static final int MAX_DESTINATIONS = 32;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");

    /** The default: a guest opens no connection anywhere. */
    public static final Egress NONE = new Egress(Kind.NONE, List.of());
    /** Anywhere outside the host, NATed out through the host's own address. */
    public static final Egress INTERNET = new Egress(Kind.INTERNET, List.of());

    /** The kinds of policy. */
    public enum Kind {
        NONE,
        INTERNET,
        ALLOW
    }

    /** One allowed TCP destination: an IPv4 address or a name resolved when the policy is applied. */
    public record Destination(String host, int port) {
        public Destination {
            if (host == null || !HOST.matcher(host).matches()) {
                throw new IllegalArgumentException(
                        "egress destination host '" + host + "' is not a host name or IPv4 address");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("egress destination port must be 1..65535, got " + port);
            }
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public Egress {
        allow = List.copyOf(allow);
        if (kind == Kind.ALLOW && allow.isEmpty()) {
            throw new IllegalArgumentException("an egress allow-list needs at least one HOST:PORT");
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
     * Parses {@code none}, {@code internet} or {@code HOST:PORT[,HOST:PORT...]}; null or blank is
     * {@code none}. Bad input: an {@link IllegalArgumentException} with a one-line message.
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
        for (String part : t.split(",")) {
            String p = part.strip();
            int colon = p.lastIndexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException(
                        "egress must be none, internet or HOST:PORT[,HOST:PORT...]; '" + p + "' has no :PORT");
            }
            int port;
            try {
                port = Integer.parseInt(p.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("egress destination '" + p + "': port is not a number");
            }
            out.add(new Destination(p.substring(0, colon), port));
        }
        return new Egress(Kind.ALLOW, out);
    }

    /** The text {@link #parse} reads back: {@code none}, {@code internet} or {@code a:1,b:2}. */
    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case INTERNET -> "internet";
            case ALLOW ->
                String.join(",", allow.stream().map(Destination::toString).toList());
        };
    }
}
