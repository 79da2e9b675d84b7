package dev.wisp.cli.bench;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.node.CapacityConfig;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.node.ServiceSpec;
import dev.wisp.node.ServiceStatus;
import dev.wisp.node.VmmUsage;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code wisp bench density}: how many small services one host holds, on one {@link Node}, in each
 * tier. Every service is the same small image, so they share one warm template: each instance is
 * a clone mapping the template's memory file privately, and a standby snapshot of it holds only
 * the pages it changed. Phases, each cleaned up before the next:
 * <ol>
 *   <li>running: always-on services until the count or the host's memory reserve is reached;
 *       RSS and PSS of each VMM, and CPU of the idle VMs over a window, from {@code /proc};</li>
 *   <li>paused: services that pause at once; their memory and CPU the same way;</li>
 *   <li>standby: services that pause and snapshot at once; disk per snapshot; then one request
 *       to each through the router, timed by the client, which wakes it from its snapshot.</li>
 * </ol>
 */
public final class DensityBenchmark {
    private static final Duration WAIT_PER_SERVICE = Duration.ofSeconds(90);
    private static final double MIB = 1024.0 * 1024.0;
    /** Services brought up at once: enough to keep both cores busy, few enough not to thrash them. */
    private static final int IN_FLIGHT = 4;
    private static final String PREFIX = "dens-";
    /**
     * Under TCG an idle guest still costs CPU for its timer ticks: once idle guests want this
     * share of the host's cores, new ones starve (their start times out), so the running count
     * stops here, before memory runs out. (A start that times out anyway, on a host busy with
     * other work, also ends the count.)
     */
    private static final double CPU_LIMIT = 0.75;
    private static final int CPU_CHECK_EVERY = 16;

    /** What to run. */
    public record Options(int services, int running, int paused, long reserveMiB, Duration cpuWindow) {
        public Options {
            if (services < 1 || running < 1 || paused < 1) {
                throw new IllegalArgumentException("--services, --running and --paused must be at least 1");
            }
            if (reserveMiB < 0) {
                throw new IllegalArgumentException("--reserve must be >= 0 MiB");
            }
        }
    }

    /** The host as the run started. */
    public record Host(int cores, long memoryMiB, long availableMiB, long diskFreeMiB, String accelerator) { }

    /**
     * Memory of idle VMMs, medians over the VMs of a tier, in MiB. {@code rss}: every page the
     * QEMU process has mapped in, guest RAM included. {@code pss}: the same with pages shared among
     * processes (the template's memory file in the page cache) divided among their sharers.
     * {@code guestRss}: pages of the guest's RAM mapping present; {@code guestChanged}: those of
     * them the guest wrote since it was cloned (private copies). {@code vmmOwnRss}: rss minus
     * guestRss, i.e. QEMU's own heap, TCG code cache, stacks and libraries: what compares with
     * Firecracker's "&lt;= 5 MiB overhead", which also leaves guest memory out.
     * {@code vmmOwnPrivate}: of that, the pages no other process shares (heap, TCG code cache,
     * stacks, relocated data), the memory one more VM adds on top of its guest's.
     */
    public record VmMemory(int sampled, double rss, double pss, double guestRss, double guestChanged,
                           double vmmOwnRss, double vmmOwnPss, double vmmOwnPrivate) { }

    /**
     * A tier held on the host: how many, what stopped the count, their memory and CPU, and what one
     * {@code /metrics} scrape of the node costs with them: the first (meters registered, every
     * VMM's /proc read in full) and the median of the next three, the steady state of a scraper
     * or the dashboard, with its size.
     */
    public record Tier(int count, String stoppedBecause, double seconds, VmMemory perVm, double pssTotalMiB,
                       double hostMemoryUsedMiB, int fitByPss, int fitByCpu, double cpuCores, double cpuCoresPerVm,
                       double cpuWindowSeconds, double hostCpuBusyPercent, double metricsFirstScrapeMs,
                       double metricsScrapeMs, long metricsScrapeBytes) { }

    /** Snapshot standby: how many, how long they took, their disk. */
    public record Standby(int services, double seconds, long diskBytes, double diskMiBPerInstance,
                          long templateDiskBytes, double hostMemoryUsedMiB, int startRetries) { }

    /** First request to each standby service through the router, client-timed, in ms. */
    public record Wakes(int answered, int failed, double first, double hundredth, double last, double median,
                        double p90, double p99, double seconds) { }

    /** The whole run. */
    public record Result(Host host, int guestMemoryMiB, Tier running, Tier paused, Standby standby, Wakes wakes,
                         double totalSeconds, int vmmsLeft, boolean stateDirectoryLeft, String stateDirectory) { }

    private final VmRuntime runtime;
    private final VmSpec spec;
    private final Options options;
    private final Path workDir;
    private final Consumer<String> progress;
    private final List<Long> pids = new ArrayList<>();
    private volatile int retries;

    public DensityBenchmark(VmRuntime runtime, VmSpec spec, Options options, Path workDir, Consumer<String> progress) {
        this.runtime = runtime;
        this.spec = spec;
        this.options = options;
        this.workDir = workDir;
        this.progress = progress;
    }

    public Result run() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path state = workDir.resolve("state");
        Files.createDirectories(state);
        Host host = host(state);
        progress.accept(String.format(Locale.ROOT, "host: %d cores, %,d MiB memory (%,d available), %,d MiB disk free, %s",
                host.cores(), host.memoryMiB(), host.availableMiB(), host.diskFreeMiB(), host.accelerator()));
        // Memory is measured, not booked: the node admits guest memory up to 10x the host's, and
        // the run stops at a reserve of real free memory instead.
        NodeConfig config = NodeConfig.of(state, RouterConfig.defaults())
                .withCapacity(CapacityConfig.defaults().withMemoryOvercommit(10.0));
        Node node = Node.start(config, runtime);
        Thread cleanup = new Thread(() -> node.close(), "density-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Tier running;
        Tier paused;
        Standby standby;
        Wakes wakes;
        try {
            running = holdTier(node, "r", options.running(), StandbyPolicy.of(StandbyMode.ALWAYS_ON), "running");
            paused = holdTier(node, "p", options.paused(), new StandbyPolicy(StandbyMode.PAUSE, Duration.ZERO,
                    Duration.ofHours(24), Duration.ofHours(24)), "paused");
            standby = standby(node, state);
            wakes = wakeAll(node);
        } finally {
            node.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        int left = (int) pids.stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).count();
        deleteTree(state);
        return new Result(host, spec.memoryMib(), running, paused, standby, wakes,
                round((System.nanoTime() - t0) / 1e9), left, Files.exists(state), state.toString());
    }

    // ---- running and paused --------------------------------------------------------------------

    /** Deploys up to {@code max} services that settle in {@code tier}, measures them, removes them. */
    private Tier holdTier(Node node, String kind, int max, StandbyPolicy policy, String tier)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long availableBefore = meminfo("MemAvailable:");
        List<String> names = new ArrayList<>();
        String stopped = "count reached";
        Deque<String> pending = new ArrayDeque<>();
        int next = 1;
        while (names.size() < max || !pending.isEmpty()) {
            while (names.size() < max && pending.size() < IN_FLIGHT) {
                if (meminfo("MemAvailable:") < options.reserveMiB()) {
                    stopped = "memory reserve reached (" + options.reserveMiB() + " MiB left)";
                    max = names.size();
                    break;
                }
                if (tier.equals("running") && names.size() % CPU_CHECK_EVERY == 0 && !names.isEmpty()
                        && pending.isEmpty()) {
                    double cores = cpuCores(pidsOf(names), Duration.ofSeconds(1));
                    if (cores >= CPU_LIMIT * Runtime.getRuntime().availableProcessors()) {
                        stopped = String.format(Locale.ROOT, "idle VMs take %.2f of %d cores", cores,
                                Runtime.getRuntime().availableProcessors());
                        max = names.size();
                        break;
                    }
                }
                String name = PREFIX + kind + next++;
                node.deploy(service(name, policy));
                names.add(name);
                pending.add(name);
            }
            try {
                settle(node, pending, s -> settledIn(s, tier));
            } catch (IOException starved) {
                // Instances that cannot start in time end the tier: the host holds no more.
                progress.accept(tier + ": " + starved.getMessage());
                stopped = "instances failed to start in time (" + pending.size() + " of the last batch)";
                names.removeAll(pending);
                pending.forEach(node::remove);
                pending.clear();
                max = names.size();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        progress.accept(String.format(Locale.ROOT, "%s: %d services in %.1f s", tier, names.size(), seconds));
        List<Long> vmPids = pidsOf(names);
        pids.addAll(vmPids);
        Thread.sleep(2000); // let the clones finish their first steps before measuring idle
        VmMemory perVm = memory(vmPids);
        double pssTotal = vmPids.stream().map(p -> VmmUsage.read(p).orElse(null)).filter(u -> u != null)
                .mapToDouble(u -> u.pssBytes() / MIB).sum();
        double used = availableBefore - meminfo("MemAvailable:");
        long[] hostBefore = cpuTimes();
        double cores = cpuCores(vmPids, options.cpuWindow());
        long[] hostAfter = cpuTimes();
        double hostBusy = hostAfter[0] == hostBefore[0] ? 0
                : 1.0 - (double) (hostAfter[1] - hostBefore[1]) / (hostAfter[0] - hostBefore[0]);
        // What /metrics costs with this many VMMs: it reads /proc for each (CPU, RSS, PSS).
        long s0 = System.nanoTime();
        node.scrape();
        double firstScrapeMs = (System.nanoTime() - s0) / 1e6;
        List<Double> scrapes = new ArrayList<>();
        long scrapeBytes = 0;
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            scrapeBytes = node.scrape().length();
            scrapes.add((System.nanoTime() - started) / 1e6);
        }
        int fit = perVm.pss() > 0 ? (int) ((availableBefore - options.reserveMiB()) / perVm.pss()) : 0;
        progress.accept(String.format(Locale.ROOT, "%s: per VM rss %.1f MiB, pss %.1f MiB (QEMU's own rss %.1f MiB); "
                        + "%.3f cores for all over %d s", tier, perVm.rss(), perVm.pss(), perVm.vmmOwnRss(), cores,
                options.cpuWindow().toSeconds()));
        removeAll(node, names);
        int fitCpu = cores > 0 ? (int) (Runtime.getRuntime().availableProcessors() / (cores / names.size())) : 0;
        return new Tier(names.size(), stopped, round(seconds), perVm, round(pssTotal), round(used), fit, fitCpu, round3(cores),
                round3(names.isEmpty() ? 0 : cores / names.size()), options.cpuWindow().toSeconds(), round(hostBusy * 100),
                round(firstScrapeMs), round(med(scrapes)), scrapeBytes);
    }

    private ServiceSpec service(String name, StandbyPolicy policy) {
        // initial 1, and no autoscaler decision within the run takes the instance away.
        AutoscalerConfig scaling = AutoscalerConfig.builder().scaleToZeroGrace(Duration.ofHours(1)).build();
        return ServiceSpec.of(name, spec).withStandby(policy).withScaling(scaling);
    }

    // ---- standby and wakes ---------------------------------------------------------------------

    private Standby standby(Node node, Path state) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long availableBefore = meminfo("MemAvailable:");
        // Pause after 1 s idle, not 0: a woken instance must not be paused before its first request lands.
        StandbyPolicy sinkAtOnce = new StandbyPolicy(StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofHours(24));
        Deque<String> pending = new ArrayDeque<>();
        for (int i = 1; i <= options.services(); i++) {
            String name = PREFIX + "s" + i;
            node.deploy(service(name, sinkAtOnce));
            pending.add(name);
            // Most of an instance's way to standby is its idle second, so more are on their way at once.
            if (pending.size() >= IN_FLIGHT * 4) {
                settle(node, pending, s -> settledIn(s, "snapshotted"), IN_FLIGHT * 4 - 1);
            }
            if (i % 100 == 0) {
                progress.accept(String.format(Locale.ROOT, "standby: %d services deployed, %.1f s", i,
                        (System.nanoTime() - t0) / 1e9));
            }
        }
        settle(node, pending, s -> settledIn(s, "snapshotted"));
        int retried = retries;
        double seconds = (System.nanoTime() - t0) / 1e9;
        long disk = du(state.resolve("standby"));
        long template = du(state.resolve("shared-templates"));
        long count = node.services().stream().filter(s -> s.name().startsWith(PREFIX + "s"))
                .mapToLong(s -> s.count("snapshotted")).sum();
        progress.accept(String.format(Locale.ROOT, "standby: %d instances on snapshot standby in %.1f s, %.2f MiB disk each",
                count, seconds, disk / MIB / Math.max(1, count)));
        return new Standby((int) count, round(seconds), disk, round(disk / MIB / Math.max(1, count)), template,
                round(availableBefore - meminfo("MemAvailable:")), retried);
    }

    /** One request to each standby service in turn; each is removed (in the background) once it answered. */
    private Wakes wakeAll(Node node) throws InterruptedException {
        long t0 = System.nanoTime();
        List<Double> ms = new ArrayList<>();
        int failed = 0;
        ExecutorService remover = Executors.newSingleThreadExecutor();
        try {
            for (int i = 1; i <= options.services(); i++) {
                String name = PREFIX + "s" + i;
                try {
                    ms.add(HttpProbe.timeGet(node.routerPort(), name + ".localhost", "/") / 1e6);
                } catch (IOException e) {
                    failed++;
                    progress.accept(name + ": " + e.getMessage());
                }
                pidsOf(List.of(name)).forEach(pids::add);
                remover.submit(() -> node.remove(name));
                if (i % 100 == 0) {
                    progress.accept(String.format(Locale.ROOT, "wakes: %d answered, last %.1f ms", ms.size(), ms.getLast()));
                }
            }
        } finally {
            remover.shutdown();
            remover.awaitTermination(10, TimeUnit.MINUTES);
        }
        List<Double> sorted = ms.stream().sorted().toList();
        return new Wakes(ms.size(), failed, at(ms, 0), at(ms, 99), at(ms, ms.size() - 1),
                round(Stats.median(ms.isEmpty() ? List.of(0.0) : ms)), quantile(sorted, 0.90), quantile(sorted, 0.99),
                round((System.nanoTime() - t0) / 1e9));
    }

    // ---- waiting and measuring -----------------------------------------------------------------

    private void settle(Node node, Deque<String> pending, Predicate<ServiceStatus> done)
            throws IOException, InterruptedException {
        settle(node, pending, done, 0);
    }

    /**
     * Waits until at most {@code leave} of the pending services are not yet done. A service whose
     * instance failed to start (the node logs why) has none; a request starts another, as it would
     * for a user, and such retries are counted.
     */
    private void settle(Node node, Deque<String> pending, Predicate<ServiceStatus> done, int leave)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT_PER_SERVICE.toNanos();
        // When each service was first seen without an instance, or last poked.
        java.util.Map<String, Long> since = new java.util.HashMap<>();
        while (pending.size() > leave) {
            pending.removeIf(name -> node.status(name).map(done::test).orElse(true));
            for (String name : pending) {
                ServiceStatus s = node.status(name).orElse(null);
                long now = System.nanoTime();
                if (s == null || !s.templateReady() || !s.instances().isEmpty()) {
                    since.remove(name);
                } else if (now - since.computeIfAbsent(name, n -> now) >= 5_000_000_000L) {
                    since.put(name, now);
                    retries++;
                    int port = node.routerPort();
                    Thread.ofVirtual().start(() -> {
                        try {
                            HttpProbe.timeGet(port, name + ".localhost", "/");
                        } catch (IOException ignored) {
                            // The next look at its status tells.
                        }
                    });
                }
            }
            if (pending.size() <= leave) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("services did not settle within " + WAIT_PER_SERVICE.toSeconds() + " s: "
                        + pending.stream().limit(3).map(n -> node.status(n).map(Object::toString).orElse(n)).toList());
            }
            Thread.sleep(10);
        }
    }

    /** All CPU time and idle time (idle + iowait) of the host so far, in ticks. */
    private static long[] cpuTimes() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElse("cpu").trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[]{total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[]{0, 0};
        }
    }

    private static boolean settledIn(ServiceStatus s, String tier) {
        return s.instances().size() == 1 && s.instances().get(0).tier().equals(tier) && !s.instances().get(0).busy();
    }

    private List<Long> pidsOf(List<String> services) {
        List<Long> out = new ArrayList<>();
        for (Instance i : runtime.instances()) {
            int dash = i.id().lastIndexOf('-');
            if (dash > 0 && services.contains(i.id().substring(0, dash)) && i.vmmPid() > 0) {
                out.add(i.vmmPid());
            }
        }
        return out;
    }

    private void removeAll(Node node, List<String> names) throws InterruptedException {
        try (ExecutorService ex = Executors.newFixedThreadPool(4)) {
            names.forEach(n -> ex.submit(() -> node.remove(n)));
        }
    }

    private static VmMemory memory(List<Long> vmPids) {
        List<Double> rss = new ArrayList<>();
        List<Double> pss = new ArrayList<>();
        List<Double> guestRss = new ArrayList<>();
        List<Double> guestChanged = new ArrayList<>();
        List<Double> ownRss = new ArrayList<>();
        List<Double> ownPss = new ArrayList<>();
        List<Double> ownPrivate = new ArrayList<>();
        for (long pid : vmPids.stream().limit(50).toList()) {
            Optional<VmmUsage> u = VmmUsage.read(pid);
            Optional<GuestMapping> g = GuestMapping.read(pid);
            if (u.isEmpty() || g.isEmpty()) {
                continue;
            }
            rss.add(u.get().rssBytes() / MIB);
            pss.add(u.get().pssBytes() / MIB);
            guestRss.add(g.get().rss() / MIB);
            guestChanged.add(g.get().anonymous() / MIB);
            ownRss.add((u.get().rssBytes() - g.get().rss()) / MIB);
            ownPss.add((u.get().pssBytes() - g.get().pss()) / MIB);
            ownPrivate.add(g.get().ownPrivate() / MIB);
        }
        return new VmMemory(rss.size(), med(rss), med(pss), med(guestRss), med(guestChanged), med(ownRss), med(ownPss),
                med(ownPrivate));
    }

    /** Cores the processes used together over {@code window}: CPU seconds used / seconds passed. */
    private static double cpuCores(List<Long> vmPids, Duration window) throws InterruptedException {
        double before = vmPids.stream().mapToDouble(p -> VmmUsage.read(p, false).map(VmmUsage::cpuSeconds).orElse(0.0)).sum();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        double after = vmPids.stream().mapToDouble(p -> VmmUsage.read(p, false).map(VmmUsage::cpuSeconds).orElse(0.0)).sum();
        return (after - before) / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * The guest RAM mapping of a VMM ({@code mem-path} file) as {@code /proc/PID/smaps} shows it,
     * and {@code ownPrivate}: the private pages (clean and dirty) of every other mapping, i.e.
     * what one more VMM costs the host beyond its guest's memory. QEMU's text and shared libraries
     * count in each process's RSS but sit in memory once.
     */
    record GuestMapping(long rss, long pss, long anonymous, long ownPrivate) {
        private static final java.util.regex.Pattern MAPPING_HEADER = java.util.regex.Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

        static Optional<GuestMapping> read(long pid) {
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"));
                long rss = 0;
                long pss = 0;
                long anon = 0;
                long ownPrivate = 0;
                boolean in = false;
                for (String l : lines) {
                    if (MAPPING_HEADER.matcher(l).lookingAt()) {
                        in = l.endsWith("/memory.bin") || l.contains("/memory.bin ");
                    } else if (!in) {
                        if (l.startsWith("Private_Clean:") || l.startsWith("Private_Dirty:")) {
                            ownPrivate += kib(l);
                        }
                    } else {
                        if (l.startsWith("Rss:")) {
                            rss += kib(l);
                        } else if (l.startsWith("Pss:")) {
                            pss += kib(l);
                        } else if (l.startsWith("Anonymous:")) {
                            anon += kib(l);
                        }
                    }
                }
                return Optional.of(new GuestMapping(rss, pss, anon, ownPrivate));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        private static long kib(String line) {
            return Long.parseLong(line.split("\\s+")[1]) * 1024;
        }
    }

    private Host host(Path state) throws IOException {
        long free = Files.getFileStore(state).getUsableSpace() >> 20;
        return new Host(Runtime.getRuntime().availableProcessors(), meminfo("MemTotal:"), meminfo("MemAvailable:"), free,
                runtime.accelerator().name().toLowerCase(Locale.ROOT));
    }

    /** A /proc/meminfo field in MiB. */
    static long meminfo(String key) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]) / 1024).orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long du(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try {
            Process p = new ProcessBuilder("du", "-s", "-B1", dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static double at(List<Double> ms, int i) {
        return ms.isEmpty() ? 0 : round(ms.get(Math.min(i, ms.size() - 1)));
    }

    private static double quantile(List<Double> sorted, double q) {
        return sorted.isEmpty() ? 0 : round(sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)));
    }

    private static double med(List<Double> v) {
        return v.isEmpty() ? 0 : round(Stats.median(v));
    }

    private static double round(double v) {
        return Stats.round2(v);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The table people read. */
    public static String table(Result r) {
        StringBuilder b = new StringBuilder();
        Host h = r.host();
        b.append(String.format(Locale.ROOT, "host: %d cores, %,d MiB memory (%,d MiB available at start), %,d MiB disk free, %s%n",
                h.cores(), h.memoryMiB(), h.availableMiB(), h.diskFreeMiB(), h.accelerator()));
        b.append(String.format(Locale.ROOT, "guest: busybox hello, %d MiB, 1 vCPU, cloned from one shared warm template%n%n",
                r.guestMemoryMiB()));
        for (Tier t : List.of(r.running(), r.paused())) {
            String name = t == r.running() ? "running" : "paused";
            VmMemory m = t.perVm();
            b.append(String.format(Locale.ROOT, "%-8s %5d held (%s) in %.1f s; memory would fit %,d by PSS%s%n",
                    name, t.count(), t.stoppedBecause(), t.seconds(), t.fitByPss(),
                    t == r.running() ? String.format(Locale.ROOT, ", CPU %,d at this idle load", t.fitByCpu()) : ""));
            b.append(String.format(Locale.ROOT, "         per VM: RSS %.1f MiB, PSS %.1f MiB; guest RAM mapped %.1f MiB of which "
                    + "changed %.1f MiB; QEMU's own RSS %.1f MiB, PSS %.1f MiB, private %.1f MiB%n", m.rss(), m.pss(),
                    m.guestRss(), m.guestChanged(), m.vmmOwnRss(), m.vmmOwnPss(), m.vmmOwnPrivate()));
            b.append(String.format(Locale.ROOT, "         host memory used %.0f MiB; idle CPU %.3f cores in all, %.4f per VM "
                    + "(over %.0f s, host %.0f %% busy meanwhile)%n", t.hostMemoryUsedMiB(),
                    t.cpuCores(), t.cpuCoresPerVm(), t.cpuWindowSeconds(), t.hostCpuBusyPercent()));
            b.append(String.format(Locale.ROOT, "         /metrics scrape: first %.1f ms, then %.1f ms (median of 3) for %.1f MiB"
                    + " of text%n", t.metricsFirstScrapeMs(), t.metricsScrapeMs(), t.metricsScrapeBytes() / MIB));
        }
        Standby s = r.standby();
        b.append(String.format(Locale.ROOT, "standby  %5d on snapshot standby in %.1f s; %.2f MiB disk each (%.1f MiB in all, "
                        + "shared template %.1f MiB); host memory used %.0f MiB%n", s.services(), s.seconds(),
                s.diskMiBPerInstance(), s.diskBytes() / MIB, s.templateDiskBytes() / MIB, s.hostMemoryUsedMiB()));
        Wakes w = r.wakes();
        b.append(String.format(Locale.ROOT, "wakes    %5d answered their first request (%d failed) in %.1f s: 1st %.1f ms, "
                        + "100th %.1f ms, last %.1f ms; median %.1f, p90 %.1f, p99 %.1f ms%n", w.answered(), w.failed(),
                w.seconds(), w.first(), w.hundredth(), w.last(), w.median(), w.p90(), w.p99()));
        b.append(String.format(Locale.ROOT, "total %.1f s; left behind: %d VMMs, state directory %s%n", r.totalSeconds(),
                r.vmmsLeft(), r.stateDirectoryLeft() ? "still there" : "removed"));
        return b.toString();
    }
}
