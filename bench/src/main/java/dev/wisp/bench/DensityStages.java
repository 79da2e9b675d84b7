package dev.wisp.bench;

import static dev.wisp.bench.VmmMeasures.MIB;
import static dev.wisp.bench.VmmMeasures.meminfo;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.bench.DensityBenchmark.Options;
import dev.wisp.bench.DensityBenchmark.Standby;
import dev.wisp.bench.DensityBenchmark.Tier;
import dev.wisp.bench.DensityBenchmark.VmMemory;
import dev.wisp.bench.DensityBenchmark.Wakes;
import dev.wisp.node.Node;
import dev.wisp.node.ServiceSpec;
import dev.wisp.node.ServiceStatus;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The density benchmark's stages on one node: hold a tier (running, paused) and measure it, put
 * services on snapshot standby, wake each with one request. Keeps a handle on every VMM it saw,
 * so the run can check that none is left.
 */
final class DensityStages {
    private static final Duration WAIT_PER_SERVICE = Duration.ofSeconds(90);
    /** Services brought up at once: enough to keep both cores busy, few enough not to thrash them. */
    private static final int IN_FLIGHT = 4;

    /**
     * Standby services deployed and not yet seen on standby: a deploy runs no VM of its own, so
     * many may be on their way while the shared template serves them all.
     */
    private static final int DEPLOYS_IN_FLIGHT = 64;

    static final String PREFIX = "dens-";
    /**
     * Under TCG an idle guest still costs CPU for its timer ticks: once idle guests want this
     * share of the host's cores, new ones starve (their start times out), so the running count
     * stops here, before memory runs out. The share is of the idle VMMs' own CPU time (utime +
     * stime from /proc), not of the host's, which other work shares. (A start that times out
     * anyway, on a host busy with other work, also ends the count.)
     */
    static final double CPU_LIMIT = 0.8;

    private static final int CPU_CHECK_EVERY = 16;

    private final VmRuntime runtime;
    private final VmSpec spec;
    private final Options options;
    private final Consumer<String> progress;
    /** Handles, not pids: a long run wraps the pid space, and a handle knows its process's start time. */
    private final List<ProcessHandle> vmms = new ArrayList<>();

    private volatile int retries;

    DensityStages(VmRuntime runtime, VmSpec spec, Options options, Consumer<String> progress) {
        this.runtime = runtime;
        this.spec = spec;
        this.options = options;
        this.progress = progress;
    }

    /** VMMs of the run still alive. */
    int vmmsLeft() {
        synchronized (vmms) {
            return (int) vmms.stream().filter(ProcessHandle::isAlive).count();
        }
    }

    // ---- running and paused --------------------------------------------------------------------

    /** Deploys up to {@code max} services that settle in {@code tier}, measures them, removes them. */
    Tier holdTier(Node node, String kind, int max, StandbyPolicy policy, String tier)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long availableBefore = meminfo("MemAvailable");
        List<String> names = new ArrayList<>();
        String stopped = "count reached";
        Deque<String> pending = new ArrayDeque<>();
        int next = 1;
        while (names.size() < max || !pending.isEmpty()) {
            while (names.size() < max && pending.size() < IN_FLIGHT) {
                if (meminfo("MemAvailable") < options.reserveMiB()) {
                    stopped = "memory reserve reached (" + options.reserveMiB() + " MiB left)";
                    max = names.size();
                    break;
                }
                if (tier.equals("running")
                        && names.size() % CPU_CHECK_EVERY == 0
                        && !names.isEmpty()
                        && pending.isEmpty()) {
                    double cores = VmmMeasures.cpuCores(pidsOf(names), Duration.ofSeconds(1));
                    if (cores >= CPU_LIMIT * Runtime.getRuntime().availableProcessors()) {
                        stopped = String.format(
                                Locale.ROOT,
                                "idle VMs take %.2f of %d cores",
                                cores,
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
        keep(vmPids);
        Thread.sleep(2000); // let the clones finish their first steps before measuring idle
        VmMemory perVm = VmmMeasures.memory(vmPids);
        double pssTotal = VmmMeasures.pssTotalMiB(vmPids);
        double used = availableBefore - meminfo("MemAvailable");
        long[] hostBefore = VmmMeasures.cpuTimes();
        double cores = VmmMeasures.cpuCores(vmPids, options.cpuWindow());
        long[] hostAfter = VmmMeasures.cpuTimes();
        double hostBusy = hostAfter[0] == hostBefore[0]
                ? 0
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
        progress.accept(String.format(
                Locale.ROOT,
                "%s: per VM rss %.1f MiB, pss %.1f MiB (QEMU's own rss %.1f MiB); " + "%.3f cores for all over %d s",
                tier,
                perVm.rss(),
                perVm.pss(),
                perVm.vmmOwnRss(),
                cores,
                options.cpuWindow().toSeconds()));
        removeAll(node, names);
        // How many idle VMs the CPU share the count stops at (1.6 of 2 cores) would hold at this cost each.
        int fitCpu =
                cores > 0 ? (int) (CPU_LIMIT * Runtime.getRuntime().availableProcessors() / (cores / names.size())) : 0;
        return new Tier(
                names.size(),
                stopped,
                round(seconds),
                perVm,
                round(pssTotal),
                round(used),
                fit,
                fitCpu,
                round3(cores),
                round3(names.isEmpty() ? 0 : cores / names.size()),
                options.cpuWindow().toSeconds(),
                round(hostBusy * 100),
                round(firstScrapeMs),
                VmmMeasures.med(scrapes),
                scrapeBytes);
    }

    private ServiceSpec service(String name, StandbyPolicy policy) {
        // initial 1, and no autoscaler decision within the run takes the instance away.
        AutoscalerConfig scaling =
                AutoscalerConfig.builder().scaleToZeroGrace(Duration.ofHours(1)).build();
        return ServiceSpec.of(name, spec).withStandby(policy).withScaling(scaling);
    }

    // ---- standby and wakes ---------------------------------------------------------------------

    /**
     * Deploys the standby services, waits until each is on standby, measures their disk. Their
     * policy snapshots idle instances at once, so a service that never served stands on standby
     * at the shared template: its deploy runs no VM and writes no file of its own.
     */
    Standby standby(Node node, Path state) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long availableBefore = meminfo("MemAvailable");
        StandbyPolicy sinkAtOnce =
                new StandbyPolicy(StandbyMode.SNAPSHOT, Duration.ZERO, Duration.ZERO, Duration.ofHours(24));
        int every = progressEvery();
        Deque<String> pending = new ArrayDeque<>();
        for (int i = 1; i <= options.services(); i++) {
            String name = PREFIX + "s" + i;
            node.deploy(service(name, sinkAtOnce));
            pending.add(name);
            if (pending.size() >= DEPLOYS_IN_FLIGHT) {
                settle(node, pending, s -> settledIn(s, "snapshotted"), DEPLOYS_IN_FLIGHT - 1);
            }
            if (i % every == 0) {
                progress.accept(String.format(
                        Locale.ROOT, "standby: %d services deployed, %.1f s", i, (System.nanoTime() - t0) / 1e9));
            }
        }
        settle(node, pending, s -> settledIn(s, "snapshotted"));
        int retried = retries;
        double seconds = (System.nanoTime() - t0) / 1e9;
        long disk = VmmMeasures.du(state.resolve("standby"));
        long template = VmmMeasures.du(state.resolve("shared-templates"));
        long count = node.services().stream()
                .filter(s -> s.name().startsWith(PREFIX + "s"))
                .mapToLong(s -> s.count("snapshotted"))
                .sum();
        progress.accept(String.format(
                Locale.ROOT,
                "standby: %d instances on snapshot standby in %.1f s, %.2f MiB disk each",
                count,
                seconds,
                disk / MIB / Math.max(1, count)));
        return new Standby(
                (int) count,
                round(seconds),
                disk,
                round(disk / MIB / Math.max(1, count)),
                template,
                round(availableBefore - meminfo("MemAvailable")),
                retried);
    }

    /** One request to each standby service ({@link StandbyWakes}). */
    Wakes wakeAll(Node node) {
        return new StandbyWakes(node, options.services(), progress, name -> {
                    keep(pidsOf(List.of(name)));
                })
                .run();
    }

    /** A progress line every 100 services, or every 5 % of a larger count. */
    private int progressEvery() {
        return Math.max(100, options.services() / 20);
    }

    // ---- waiting -------------------------------------------------------------------------------

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
        Map<String, Long> since = new HashMap<>();
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
                        + pending.stream()
                                .limit(3)
                                .map(n -> node.status(n).map(Object::toString).orElse(n))
                                .toList());
            }
            Thread.sleep(10);
        }
    }

    private static boolean settledIn(ServiceStatus s, String tier) {
        return s.instances().size() == 1
                && s.instances().get(0).tier().equals(tier)
                && !s.instances().get(0).busy();
    }

    private void keep(List<Long> vmPids) {
        synchronized (vmms) {
            vmPids.forEach(p -> ProcessHandle.of(p).ifPresent(vmms::add));
        }
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

    private static void removeAll(Node node, List<String> names) {
        try (ExecutorService ex = Executors.newFixedThreadPool(4)) {
            names.forEach(n -> ex.submit(() -> node.remove(n)));
        }
    }

    static double round(double v) {
        return Stats.round2(v);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
