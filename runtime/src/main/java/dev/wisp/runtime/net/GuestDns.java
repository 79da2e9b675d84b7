package dev.wisp.runtime.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The resolver a TAP guest's DNS goes to. The guest keeps asking {@value #GUEST_RESOLVER} (its
 * {@code /etc/resolv.conf}, as on user networking); its namespace DNATs that to this address,
 * and the host firewall then treats the query as any other connection the guest opens: allowed
 * under egress {@code internet}, dropped under {@code none}. Loopback resolvers (a local stub
 * such as systemd-resolved's 127.0.0.53) are out of the guest's reach, so their upstream is used.
 */
final class GuestDns {
    /** The address guests are told to ask (QEMU user networking's resolver, kept on TAP). */
    static final String GUEST_RESOLVER = "10.0.2.3";

    private static final List<Path> RESOLV_CONFS =
            List.of(Path.of("/etc/resolv.conf"), Path.of("/run/systemd/resolve/resolv.conf"));

    private GuestDns() {}

    /** {@code configured} if set, else the host's first IPv4 resolver that is not loopback. */
    static Optional<String> resolver(String configured) {
        if (configured != null) {
            return Optional.of(configured);
        }
        for (Path p : RESOLV_CONFS) {
            Optional<String> found = firstUsable(p);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstUsable(Path resolvConf) {
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 2 && w[0].equals("nameserver") && usable(w[1])) {
                return Optional.of(w[1]);
            }
        }
        return Optional.empty();
    }

    /** An IPv4 literal off loopback and link-local (both never reachable from a guest). */
    static boolean usable(String address) {
        if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(address);
            return a instanceof Inet4Address
                    && !a.isLoopbackAddress()
                    && !a.isLinkLocalAddress()
                    && !a.isAnyLocalAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
