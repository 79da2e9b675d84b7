package dev.wisp.runtime.net;

import dev.wisp.runtime.VmException;
import dev.wisp.runtime.jail.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Guest networking of one runtime: TAP in a network namespace per VMM with an egress policy
 * ({@link TapNetworking}), or QEMU's user networking where TAP is not possible (no root, no
 * {@code /dev/net/tun}, no {@code ip} or {@code nft}). See docs/networking.md.
 *
 * <p><b>Internal: used by the runtime and its drivers, not an API for other modules.</b>
 */
public interface Networking extends AutoCloseable {
    /** A slot for one VMM named {@code name} whose guest app listens on {@code guestPort}. */
    NetSlot acquire(String name, int guestPort);

    /** For users: {@code tap (per-VM netns, nftables ...)} or {@code user (reason)}. */
    String describe();

    /** Slots held now, a released one until it is gone (tests: nothing leaks). */
    int held();

    /** Slots made ahead and waiting to be taken (TAP only). */
    default int ready() {
        return 0;
    }

    /** Whether no slot is being made ahead or removed in the background (tests: it holds still). */
    default boolean settled() {
        return true;
    }

    /** Removes what this runtime made (its VMMs must be gone). */
    @Override
    void close();

    /**
     * The networking {@code config} asks for on this host: TAP when possible (or forced), user
     * networking with the reason otherwise. Forced TAP that is not possible: one-line {@link VmException}.
     */
    static Networking open(NetworkConfig config) {
        Optional<String> why = tapUnavailable();
        if (config.mode() == NetworkConfig.Mode.USER) {
            return new UserNetworking("configured");
        }
        if (why.isPresent()) {
            if (config.mode() == NetworkConfig.Mode.TAP) {
                throw new VmException("cannot network guests on TAP: " + why.get());
            }
            return new UserNetworking(why.get());
        }
        return TapNetworking.open(
                Ipv4Range.parse(config.range()), GuestDns.resolver(config.dns()).orElse(null), config.readySlots());
    }

    /** For {@code wisp setup}: the networking guests get by default ({@code auto}) here, and why. */
    static String describeHost() {
        return tapUnavailable()
                .map(why -> "user (TAP not possible here: " + why + "; guests reach nothing outside)")
                .orElse("tap (per-VM netns with egress policy; wisp up --network user to opt out;"
                        + " docs/networking.md)");
    }

    /** Why TAP cannot be used here, or empty. */
    static Optional<String> tapUnavailable() {
        if (!Privileges.isRoot()) {
            return Optional.of("not root: TAP, namespaces and nftables need root");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return Optional.of("no /dev/net/tun");
        }
        if (NetCommands.onPath("ip") == null) {
            return Optional.of("ip not found (apt-get install iproute2)");
        }
        if (NetCommands.onPath("nft") == null) {
            return Optional.of("nft not found (apt-get install nftables)");
        }
        try {
            NetCommands.run(java.util.List.of("nft", "list", "tables"), "");
        } catch (java.io.IOException e) {
            // Present but unusable (no nf_tables in the kernel, a seccomp'd container): no egress policy.
            return Optional.of("nft does not work here: " + e.getMessage());
        }
        return Optional.empty();
    }
}
