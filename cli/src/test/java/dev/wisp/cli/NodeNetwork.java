package dev.wisp.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The cluster tests' network: a bridge on this host with an address of its own (where etcd
 * listens) and one network namespace per node, joined to the bridge by a veth with the node's own
 * address, so a node reaches another node's VMs only through that node's router. Needs root,
 * {@code ip} and {@code nft}; {@link #close()} removes all of it.
 */
final class NodeNetwork implements AutoCloseable {
    private final String tag;
    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private boolean bridgeMade;

    private NodeNetwork() {
        long pid = ProcessHandle.current().pid();
        this.tag = "wc" + pid;
        // one /24 per test JVM, so parallel runs do not share a subnet
        this.prefix = "10.231." + (pid % 250) + ".";
    }

    /** Whether this host can make namespaces, bridges and nft rules (root with ip, nsenter and nft). */
    static boolean available() {
        return "root".equals(System.getProperty("user.name"))
                && run(List.of("ip", "-V")) == 0
                && run(List.of("nsenter", "--version")) == 0
                && run(List.of("nft", "--version")) == 0;
    }

    /** Makes the bridge and {@code nodes} namespaces, each with its address on the bridge. */
    static NodeNetwork create(int nodes) {
        NodeNetwork n = new NodeNetwork();
        try {
            n.ip("link", "add", n.bridge(), "type", "bridge");
            n.bridgeMade = true;
            n.ip("addr", "add", n.hostAddress() + "/24", "dev", n.bridge());
            n.ip("link", "set", n.bridge(), "up");
            for (int i = 0; i < nodes; i++) {
                String ns = n.tag + "-" + i;
                n.ip("netns", "add", ns);
                n.namespaces.add(ns);
                String outside = n.tag + "h" + i;
                String inside = n.tag + "n" + i;
                n.ip("link", "add", outside, "type", "veth", "peer", "name", inside);
                n.ip("link", "set", outside, "master", n.bridge(), "up");
                n.ip("link", "set", inside, "netns", ns);
                n.ip("-n", ns, "link", "set", inside, "name", "eth0");
                n.ip("-n", ns, "addr", "add", n.address(i) + "/24", "dev", "eth0");
                n.ip("-n", ns, "link", "set", "eth0", "up");
                n.ip("-n", ns, "link", "set", "lo", "up");
            }
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** The address of this host on the bridge: etcd listens there. */
    String hostAddress() {
        return prefix + "1";
    }

    /** Node {@code i}'s address (in its namespace). */
    String address(int i) {
        return prefix + (i + 2);
    }

    /** Node {@code i}'s namespace name. */
    String namespace(int i) {
        return namespaces.get(i);
    }

    /** Drops node {@code i}'s packets to etcd's client ports (nftables in its namespace). */
    void cutFromEtcd(int i, List<Integer> etcdPorts) {
        String ports = etcdPorts.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String rules = "table inet wisp_cut {\n chain out {\n  type filter hook output priority 0; policy accept;\n"
                + "  ip daddr " + hostAddress() + " tcp dport { " + ports + " } drop\n }\n}\n";
        exec(List.of("ip", "netns", "exec", namespace(i), "nft", "-f", "-"), rules);
    }

    /** Lifts {@link #cutFromEtcd}. */
    void reconnect(int i) {
        exec(List.of("ip", "netns", "exec", namespace(i), "nft", "delete", "table", "inet", "wisp_cut"), null);
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            run(List.of("ip", "netns", "del", ns)); // takes its veth pair with it
        }
        if (bridgeMade) {
            run(List.of("ip", "link", "del", bridge()));
        }
    }

    private String bridge() {
        return tag + "br";
    }

    private void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        exec(cmd, null);
    }

    private static void exec(List<String> cmd, String stdin) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    private static int run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
