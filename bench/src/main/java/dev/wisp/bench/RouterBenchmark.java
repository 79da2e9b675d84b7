package dev.wisp.bench;

import dev.wisp.common.FileTrees;
import dev.wisp.router.Endpoint;
import dev.wisp.router.RouterConfig;
import dev.wisp.router.RouterServer;
import dev.wisp.router.ServiceLimits;
import dev.wisp.router.ServiceTable;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code wisp bench router}: Wisp's router against nginx, both as reverse proxies in front of
 * the same backend on loopback, measured by {@code wrk}.
 *
 * <p>The backend is a second nginx answering a fixed 13-byte body from memory ({@code return
 * 200}), chosen because it is the fastest and steadiest backend at hand and lives outside the
 * router's JVM. The nginx proxy uses an upstream with {@code keepalive}, {@code
 * proxy_http_version 1.1}, {@code proxy_set_header Connection ""} and adds the same {@code
 * X-Forwarded-*} and {@code X-Request-Id} headers the router adds, with as many workers as the
 * router has event loop threads. After one warm-up run each (the router's lasts until the JIT
 * is quiet), rounds alternate between the two proxies, swapping which goes first, and the
 * medians of the rounds are reported. Ratios are router / nginx.
 */
public final class RouterBenchmark {

    /**
     * @param rounds measured rounds per proxy
     * @param roundSeconds length of each wrk run
     * @param warmupSeconds warm-up run per proxy before measuring
     * @param connections wrk connections ({@code -c})
     * @param wrkThreads wrk threads ({@code -t})
     * @param proxyThreads router event loop threads = nginx proxy worker processes
     * @param wrkPath wrk executable
     * @param nginxPath nginx executable
     */
    public record Options(
            int rounds,
            int roundSeconds,
            int warmupSeconds,
            int connections,
            int wrkThreads,
            int proxyThreads,
            String wrkPath,
            String nginxPath) {

        /** 5 rounds of 5 s plus 5 s warm-up each (the router's up to 16 s more): 60-80 s in all. */
        public static Options defaults() {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Options(5, 5, 5, 64, 1, Math.max(1, cores / 2), "/usr/bin/wrk", "/usr/sbin/nginx");
        }

        /** These options with another number and length of measured rounds. */
        public Options withRounds(int rounds, int roundSeconds) {
            return new Options(
                    rounds, roundSeconds, warmupSeconds, connections, wrkThreads, proxyThreads, wrkPath, nginxPath);
        }

        public Options {
            if (rounds < 1
                    || roundSeconds < 1
                    || warmupSeconds < 0
                    || connections < 1
                    || wrkThreads < 1
                    || proxyThreads < 1
                    || connections < wrkThreads) {
                throw new IllegalArgumentException("invalid bench options");
            }
        }
    }

    /** One wrk run, as parsed from its output. Latencies in milliseconds. */
    public record WrkRun(
            double requestsPerSecond,
            double p50Millis,
            double p99Millis,
            long requests,
            long socketErrors,
            long non2xx3xx) {

        /** Parses wrk's text output (run with {@code --latency}). */
        static WrkRun parse(String out) {
            return WrkOutput.parse(out);
        }
    }

    /** Medians over the measured rounds of one proxy. */
    public record Target(
            String name,
            double requestsPerSecond,
            double p50Millis,
            double p99Millis,
            long socketErrors,
            long non2xx3xx,
            List<WrkRun> rounds) {

        static Target of(String name, List<WrkRun> runs) {
            return new Target(
                    name,
                    median(runs.stream().mapToDouble(WrkRun::requestsPerSecond).toArray()),
                    median(runs.stream().mapToDouble(WrkRun::p50Millis).toArray()),
                    median(runs.stream().mapToDouble(WrkRun::p99Millis).toArray()),
                    runs.stream().mapToLong(WrkRun::socketErrors).sum(),
                    runs.stream().mapToLong(WrkRun::non2xx3xx).sum(),
                    List.copyOf(runs));
        }
    }

    /**
     * The outcome; every field is a number, string or list, ready for JSON.
     *
     * @param rpsRatio router rps / nginx rps (above 1: router faster)
     * @param p50Ratio router p50 / nginx p50 (below 1: router faster)
     * @param p99Ratio router p99 / nginx p99 (below 1: router faster)
     */
    public record Result(
            Options options,
            String backend,
            String routerTransport,
            Target router,
            Target nginx,
            double rpsRatio,
            double p50Ratio,
            double p99Ratio,
            long elapsedMillis) {

        /** Human-readable report. */
        public String summary() {
            return RouterBenchReport.of(this);
        }
    }

    private static final String BODY = "hello, wisp!\n";
    /** Extra router warm-up: runs of this length while the JIT compiles more than ... */
    private static final int EXTRA_WARMUP_SECONDS = 2;
    /** ... this share of the run's time (compiler threads' time, in percent) ... */
    private static final int QUIET_JIT_PERCENT = 2;
    /** ... and at most this many of them. */
    private static final int MAX_EXTRA_WARMUP_RUNS = 8;

    private final Options options;

    /** A benchmark run with these options; nothing starts before {@link #run()}. */
    public RouterBenchmark(Options options) {
        this.options = options;
    }

    /** Runs the whole comparison; takes about {@code 2 x (warmup + rounds x roundSeconds)}. */
    @SuppressWarnings("try") // the backend nginx is only needed alive, not referenced
    public Result run() throws IOException, InterruptedException {
        requireExecutable(options.wrkPath());
        requireExecutable(options.nginxPath());
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("wisp-bench-router");
        int backendPort = freePort();
        int nginxPort = freePort();
        try (NginxProcess backend = RouterBenchNginx.backend(options.nginxPath(), dir, backendPort, BODY);
                NginxProcess proxy = RouterBenchNginx.proxy(
                        options.nginxPath(), dir, options.proxyThreads(), nginxPort, backendPort)) {
            ServiceTable services = new ServiceTable().define("bench", ServiceLimits.DEFAULTS, d -> {}, (e, t) -> {});
            services.setEndpoints("bench", List.of(new Endpoint("backend", "127.0.0.1", backendPort)));
            RouterConfig config =
                    RouterConfig.builder().ioThreads(options.proxyThreads()).build();
            try (RouterServer router =
                    RouterServer.builder().config(config).directory(services).build()) {
                int routerPort = router.start();
                String routerUrl = "http://127.0.0.1:" + routerPort + "/";
                String nginxUrl = "http://127.0.0.1:" + proxy.port + "/";
                if (options.warmupSeconds() > 0) {
                    warmUpRouter(routerUrl);
                    wrk(nginxUrl, options.warmupSeconds());
                }
                List<WrkRun> routerRuns = new ArrayList<>();
                List<WrkRun> nginxRuns = new ArrayList<>();
                for (int r = 0; r < options.rounds(); r++) {
                    if (r % 2 == 0) {
                        routerRuns.add(wrk(routerUrl, options.roundSeconds()));
                        nginxRuns.add(wrk(nginxUrl, options.roundSeconds()));
                    } else {
                        nginxRuns.add(wrk(nginxUrl, options.roundSeconds()));
                        routerRuns.add(wrk(routerUrl, options.roundSeconds()));
                    }
                }
                Target rt = Target.of("router", routerRuns);
                Target ng = Target.of("nginx", nginxRuns);
                return new Result(
                        options,
                        "nginx return 200 (" + BODY.length() + " bytes)",
                        router.transport(),
                        rt,
                        ng,
                        rt.requestsPerSecond() / ng.requestsPerSecond(),
                        rt.p50Millis() / ng.p50Millis(),
                        rt.p99Millis() / ng.p99Millis(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
        } finally {
            FileTrees.deleteQuietly(dir); // best effort: a leftover temp dir is harmless
        }
    }

    /**
     * The router's warm-up: the configured time, then more short runs while the JIT is still
     * busy (the router runs in this JVM), up to {@link #MAX_EXTRA_WARMUP_RUNS}. On a 2-core
     * machine the C2 compiler thread competes with wrk, nginx and the event loop, and it took
     * 15-20 s of load to compile the flush path: rounds measured before that showed the
     * compiler, not the router (first-round p99 up to 4.6 ms against about 1.8 ms later).
     */
    private void warmUpRouter(String url) throws IOException, InterruptedException {
        wrk(url, options.warmupSeconds());
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        for (int i = 0; i < MAX_EXTRA_WARMUP_RUNS; i++) {
            long before = jit.getTotalCompilationTime();
            wrk(url, EXTRA_WARMUP_SECONDS);
            long compiledMillis = jit.getTotalCompilationTime() - before;
            if (compiledMillis < EXTRA_WARMUP_SECONDS * 1000L * QUIET_JIT_PERCENT / 100) {
                return;
            }
        }
    }

    private WrkRun wrk(String url, int seconds) throws IOException, InterruptedException {
        return runWrk(options.wrkPath(), url, "bench.localhost", options.wrkThreads(), options.connections(), seconds);
    }

    /**
     * Runs wrk once with {@code --latency} and parses its output.
     *
     * @param host Host header to send, or null for the URL's
     */
    static WrkRun runWrk(String wrkPath, String url, String host, int threads, int connections, int seconds)
            throws IOException, InterruptedException {
        return WrkCommand.run(wrkPath, url, host, threads, connections, seconds);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void requireExecutable(String path) throws IOException {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IOException(path + " is not installed");
        }
    }
}
