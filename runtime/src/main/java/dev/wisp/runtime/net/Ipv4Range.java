package dev.wisp.runtime.net;

/** An IPv4 prefix cut into /30s: slot {@code n} has host side {@code .1} and namespace side {@code .2}. */
record Ipv4Range(int base, int prefix) {
    static Ipv4Range parse(String cidr) {
        String[] parts = cidr.split("/");
        String[] octets = parts[0].split("\\.");
        if (parts.length != 2 || octets.length != 4) {
            throw new IllegalArgumentException(
                    "network range must be an IPv4 prefix like 10.200.0.0/16, got '" + cidr + "'");
        }
        int base = 0;
        int prefix;
        try {
            for (String o : octets) {
                int v = Integer.parseInt(o);
                if (v < 0 || v > 255) {
                    throw new NumberFormatException();
                }
                base = (base << 8) | v;
            }
            prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "network range must be an IPv4 prefix like 10.200.0.0/16, got '" + cidr + "'");
        }
        if (prefix < 16 || prefix > 28) {
            throw new IllegalArgumentException("network range prefix must be /16 to /28, got /" + prefix);
        }
        int mask = (int) (0xffffffffL << (32 - prefix));
        if ((base & ~mask) != 0) {
            throw new IllegalArgumentException("network range " + cidr + " has host bits set");
        }
        return new Ipv4Range(base, prefix);
    }

    int slots() {
        return 1 << (32 - prefix - 2);
    }

    String hostSide(int slot) {
        return text(base + slot * 4 + 1);
    }

    String namespaceSide(int slot) {
        return text(base + slot * 4 + 2);
    }

    @Override
    public String toString() {
        return text(base) + "/" + prefix;
    }

    private static String text(int a) {
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }
}
