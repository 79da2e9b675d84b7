package dev.wisp.bench;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.net.NetworkConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One guest's HTTP requests/s and latency through TAP networking against QEMU's user networking,
 * in one run: the same guest booted under each in turn (a runtime of its own each, so their VMMs
 * never share the host's cores), {@code hey} straight at the guest's address (no router), a
 * warm-up, then the measured load. For {@code wisp bench network} and {@code wisp bench isolation}.
 */
public final class NetworkThroughput {
    /**
     * @param seconds     measured seconds per side
     * @param connections concurrent connections
     */
    public record Options(int seconds, int connections) {
        public Options {
            if (seconds < 1 || seconds > 600) {
                throw new IllegalArgumentException("--seconds must be 1..600, got " + seconds);
            }
            if (connections < 1 || connections > 512) {
                throw new IllegalArgumentException("--connections must be 1..512, got " + connections);
            }
        }

        public static Options defaults() {
            return new Options(10, 8);
        }
    }

    /** What one side served: requests/s, p50 and p99 in ms, requests that got no 200. */
    public record Side(String networking, double requestsPerSecond, double p50Ms, double p99Ms, int failed) {}

    /**
     * Both sides and the ratio of TAP's requests/s to user networking's (above 1: TAP serves more).
     */
    public record Result(Side user, Side tap, double tapToUserRequestsRatio, int seconds, int connections) {
        /** The table people read. */
        public String table() {
            return String.format(
                    Locale.ROOT,
                    "%-6s %10s %9s %9s %7s  %s%n%s%s(tap / user requests/s: %.2f; %d s, %d connections, one run)%n",
                    "net",
                    "req/s",
                    "p50 ms",
                    "p99 ms",
                    "failed",
                    "networking",
                    row("user", user),
                    row("tap", tap),
                    tapToUserRequestsRatio,
                    seconds,
                    connections);
        }

        private static String row(String name, Side s) {
            return String.format(
                    Locale.ROOT,
                    "%-6s %10.0f %9.2f %9.2f %7d  %s%n",
                    name,
                    s.requestsPerSecond(),
                    s.p50Ms(),
                    s.p99Ms(),
                    s.failed(),
                    s.networking());
        }
    }

    private final RuntimeConfig base;
    private final Path kernel;
    private final VmSpec spec;
    private final Options options;
    private final Consumer<String> progress;

    /**
     * @param base   the runtime settings both sides share (jail, accelerator, home); their
     *               networking is set here, user then TAP, and no VMM pool
     * @param kernel the guest kernel
     * @param spec   the guest: an HTTP app answering GET / on its port
     */
    public NetworkThroughput(RuntimeConfig base, Path kernel, VmSpec spec, Options options, Consumer<String> progress) {
        this.base = base.withVmmPool(0);
        this.kernel = kernel;
        this.spec = spec;
        this.options = options;
        this.progress = progress;
    }

    /** Measures user networking, then TAP (which must be possible here: root, /dev/net/tun, nft). */
    public Result run() throws IOException, InterruptedException {
        Side user = side(NetworkConfig.USER);
        Side tap = side(NetworkConfig.TAP);
        double ratio = user.requestsPerSecond() > 0 ? tap.requestsPerSecond() / user.requestsPerSecond() : Double.NaN;
        return new Result(user, tap, ratio, options.seconds(), options.connections());
    }

    private Side side(NetworkConfig network) throws IOException, InterruptedException {
        try (VmRuntime rt = VmRuntime.start(base.withNetwork(network), kernel)) {
            progress.accept("booting the guest on " + rt.networking());
            Instance vm = rt.boot("net-bench", spec);
            try {
                String url = "http://" + vm.address() + ":" + vm.hostPort() + "/";
                HeyLoad.direct(url, List.of("-z", "2s", "-c", String.valueOf(options.connections())));
                progress.accept("measuring " + options.seconds() + " s at " + url);
                HeyLoad.Report r = HeyLoad.direct(
                        url, List.of("-z", options.seconds() + "s", "-c", String.valueOf(options.connections())));
                return new Side(rt.networking(), r.requestsPerSecond(), r.p50Ms(), r.p99Ms(), r.failed());
            } finally {
                vm.stop();
            }
        }
    }
}
