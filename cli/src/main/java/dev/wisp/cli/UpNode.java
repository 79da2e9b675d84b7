package dev.wisp.cli;

import dev.wisp.common.JavaCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code wisp up --etcd} node started as a JVM of its own on this machine, once its banner said
 * where its API and router listen. {@link LocalCluster} and the cluster tests start their nodes so.
 */
record UpNode(Process process, URI api, int routerPort, String token) {
    /** Short, so a lost node is noticed quickly; etcd's minimum with a 1 s election timeout is 2 s. */
    static final Duration LEASE_TTL = Duration.ofSeconds(2);

    private static final Pattern API = Pattern.compile("API:\\s+(http://\\S+)");
    private static final Pattern ROUTER = Pattern.compile("router:\\s+http://\\S+:(\\d+)\\s");

    /**
     * Starts node {@code name} (again, after a kill: the same data folder {@code dir/NAME}, its stderr
     * appended to {@code dir/NAME.log}) and waits for its banner.
     *
     * @param address where the node's API and router listen and other nodes reach it
     * @param wrapper the command the JVM runs under (nsenter, say), or none
     * @param flags more {@code wisp up} flags (e.g. --accel)
     */
    static UpNode start(Path dir, String etcd, String name, String address, List<String> wrapper, List<String> flags)
            throws IOException {
        Path data = dir.resolve(name);
        Path log = dir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(JavaCommand.of(
                Main.class,
                "up",
                "--etcd",
                etcd,
                "--node",
                name,
                "--advertise",
                address,
                "--lease-ttl",
                LEASE_TTL.toSeconds() + "s",
                "--data",
                data.toString(),
                "--api-port",
                "0",
                "--router-port",
                "0",
                "--stop-on-exit"));
        cmd.addAll(flags);
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String api = null;
        int router = -1;
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = API.matcher(line);
            if (m.find()) {
                api = m.group(1);
            }
            m = ROUTER.matcher(line);
            if (m.find()) {
                router = Integer.parseInt(m.group(1));
            }
            if (line.contains("cluster:")) {
                break;
            }
        }
        if (api == null || router < 0) {
            p.destroyForcibly();
            String tail = Files.exists(log) ? Files.readString(log) : "(no log)";
            throw new IOException("node " + name + " did not start; its log " + log + " ends:\n"
                    + tail.substring(Math.max(0, tail.length() - 3000)));
        }
        // the rest of its output is read away, so the node never blocks on a full pipe
        Thread.ofVirtual().start(() -> {
            try {
                out.transferTo(Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return new UpNode(
                p,
                URI.create(api),
                router,
                Files.readString(data.resolve("admin-token")).trim());
    }
}
