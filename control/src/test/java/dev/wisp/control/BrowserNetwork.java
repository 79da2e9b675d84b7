package dev.wisp.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The browser's own network namespace, joined to this host by one veth, so the browser sees the
 * host as a user's browser on another machine would. Chromium drops every connection in flight
 * with {@code net::ERR_NETWORK_CHANGED} when an address appears on any interface it can see, and
 * the control plane's own VMs add one (their veth) each time one starts; inside its namespace the
 * browser sees none of that. Servers the browser must reach bind to {@link #hostAddress()}.
 * Without root (or without {@code ip}) the browser shares the host's network, on loopback.
 *
 * @param namespace the namespace, also the name of the veth's host end; null on the host's network
 * @param hostAddress where a server the browser must reach listens: the host's end, or loopback
 * @param browserAddress the browser's own address
 */
record BrowserNetwork(String namespace, String hostAddress, String browserAddress) implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern LEFTOVER = Pattern.compile("\\bwb(\\d+)x\\d+\\b");

    /** A namespace of its own where this host allows it, else the host's network. */
    static BrowserNetwork open() {
        if (!"root".equals(System.getProperty("user.name")) || run(List.of("ip", "-V")) != 0) {
            return new BrowserNetwork(null, "127.0.0.1", "127.0.0.1");
        }
        removeLeftovers();
        long pid = ProcessHandle.current().pid();
        int seq = SEQUENCE.getAndIncrement() % 64;
        String tag = "wb" + pid + "x" + seq;
        // one /30 per browser, out of a /24 per test JVM, away from the VMs' range (10.200.0.0/16)
        String subnet = "10.232." + (pid % 250) + ".";
        BrowserNetwork n = new BrowserNetwork(tag, subnet + (4 * seq + 1), subnet + (4 * seq + 2));
        try {
            ip("netns", "add", n.namespace);
            ip("link", "add", n.namespace, "type", "veth", "peer", "name", "eth0", "netns", n.namespace);
            ip("addr", "add", n.hostAddress + "/30", "dev", n.namespace);
            ip("link", "set", n.namespace, "up");
            ip("-n", n.namespace, "addr", "add", n.browserAddress + "/30", "dev", "eth0");
            ip("-n", n.namespace, "link", "set", "eth0", "up");
            ip("-n", n.namespace, "link", "set", "lo", "up");
            // every address of the host (not its loopback), as from another machine
            ip("-n", n.namespace, "route", "add", "default", "via", n.hostAddress);
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** Namespaces of test JVMs that died before closing theirs. */
    private static void removeLeftovers() {
        StringBuilder list = new StringBuilder();
        run(List.of("ip", "netns", "list"), list);
        Matcher m = LEFTOVER.matcher(list);
        while (m.find()) {
            if (ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                run(List.of("ip", "link", "del", m.group()));
                run(List.of("ip", "netns", "del", m.group()));
            }
        }
    }

    /** {@code command} run inside the browser's namespace. */
    List<String> wrap(List<String> command) {
        if (namespace == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(command);
        return wrapped;
    }

    @Override
    public void close() {
        if (namespace != null) {
            run(List.of("ip", "link", "del", namespace)); // the host's end of the veth has its name
            run(List.of("ip", "netns", "del", namespace));
        }
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        StringBuilder said = new StringBuilder();
        if (run(command, said) != 0) {
            throw new IllegalStateException(
                    "cannot make the browser's network: " + String.join(" ", command) + " said: " + said);
        }
    }

    private static int run(List<String> command) {
        return run(command, new StringBuilder());
    }

    private static int run(List<String> command, StringBuilder said) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            said.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            said.append(e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
