package dev.wisp.runtime.net;

import dev.wisp.common.EnumText;

/**
 * How guests are networked.
 *
 * @param mode   {@code AUTO}: TAP where this host allows it, user networking otherwise
 * @param range  IPv4 range for the host side of every VM's veth pair, one /30 each: a prefix of
 *               /16 to /28 (at most 16384 VMs per host), not otherwise routed on this host
 * @param dns    IPv4 resolver that TAP guests' DNS queries go to, or null: the host's first
 *               non-loopback resolver from {@code /etc/resolv.conf} (none found: no guest DNS)
 * @param readySlots TAP networks made ahead in the background (0 to {@value #MAX_READY_SLOTS}), so a
 *               boot or restore takes a namespace that is ready instead of making one on its path
 */
public record NetworkConfig(Mode mode, String range, String dns, int readySlots) {
    /** Default range: one /30 per VM out of 10.200.0.0/16. */
    public static final String DEFAULT_RANGE = "10.200.0.0/16";

    /** TAP networks kept ready by default: enough for a boot and a restore in a row. */
    public static final int DEFAULT_READY_SLOTS = 2;

    /** Most TAP networks kept ready: each is a namespace, a veth pair and a TAP that sit unused. */
    public static final int MAX_READY_SLOTS = 64;

    public static final NetworkConfig AUTO = new NetworkConfig(Mode.AUTO, DEFAULT_RANGE);
    public static final NetworkConfig USER = new NetworkConfig(Mode.USER, DEFAULT_RANGE);
    public static final NetworkConfig TAP = new NetworkConfig(Mode.TAP, DEFAULT_RANGE);

    /** Which guest networking. */
    public enum Mode {
        AUTO,
        TAP,
        USER;

        /** {@code auto}, {@code tap} or {@code user}, any case; one-line error otherwise. */
        public static Mode parse(String text) {
            return EnumText.parse(Mode.class, text, "network");
        }
    }

    public NetworkConfig {
        mode = mode == null ? Mode.AUTO : mode;
        range = range == null ? DEFAULT_RANGE : range;
        Ipv4Range.parse(range);
        if (dns != null && !GuestDns.usable(dns)) {
            throw new IllegalArgumentException(
                    "guest DNS resolver must be an IPv4 address off loopback and link-local, got '" + dns + "'");
        }
        if (readySlots < 0 || readySlots > MAX_READY_SLOTS) {
            throw new IllegalArgumentException(
                    "ready TAP networks must be 0 to " + MAX_READY_SLOTS + ", got " + readySlots);
        }
    }

    /** The host's resolver for guest DNS, {@value #DEFAULT_READY_SLOTS} networks kept ready. */
    public NetworkConfig(Mode mode, String range) {
        this(mode, range, null, DEFAULT_READY_SLOTS);
    }

    public NetworkConfig withMode(Mode m) {
        return new NetworkConfig(m, range, dns, readySlots);
    }

    /** Guests' DNS goes to {@code resolver} (an IPv4 address) instead of the host's resolver. */
    public NetworkConfig withDns(String resolver) {
        return new NetworkConfig(mode, range, resolver, readySlots);
    }

    /** Keeps {@code n} TAP networks made ahead (0: each is made when a VMM needs it). */
    public NetworkConfig withReadySlots(int n) {
        return new NetworkConfig(mode, range, dns, n);
    }
}
