package dev.wisp.bench;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.node.ServiceSpec;
import dev.wisp.node.WakeTrace;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.Snapshot;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Formatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code wisp bench wake}: the latency a client sees for its first request to a service asleep
 * in each standby tier (through Wisp's router, which holds the request while the instance
 * wakes), beside raw QEMU doing the same operation to the same guest (resume, restore the same
 * snapshot file, clone the same template, boot) timed to its first answer.
 */
public final class WakeBenchmark {
    private static final int MAX_WARMUP = 100_000;

    /** The standby tiers a request can find a service in, as {@code --tiers} names them. */
    public static final List<String> TIERS = List.of("paused", "snapshotted", "template_only", "nothing");

    private enum Tier {
        PAUSED,
        SNAPSHOTTED,
        TEMPLATE_ONLY,
        NOTHING
    }

    /**
     * One tier: the client's first-request latency and raw QEMU's, medians, and where the
     * client's wait went ({@link WakeBreakdown}). {@code straight*}: paused only (else 0 and
     * empty), a VM of Wisp's runtime resumed by the runtime and asked straight, no router or node
     * ({@link StraightResume}); {@code vmmSched}: paused only (else null), what raw QEMU's and that
     * VM's threads did from {@code cont} to the answer ({@link VmmSched}).
     */
    public record TierResult(
            String tier,
            String wakePath,
            double clientMedianMs,
            double rawMedianMs,
            double overheadMs,
            double ratio,
            double clientWholeMedianMs,
            List<Double> clientMs,
            List<Double> rawMs,
            double straightMedianMs,
            List<Double> straightMs,
            VmmSched.Medians vmmSched,
            List<WakeBreakdown.Part> breakdown) {}

    /**
     * The whole run.
     *
     * @param warmupRequests requests sent through the router (and as many straight to the VM)
     *     before the first round, see {@link WakeBenchmark#WakeBenchmark}
     */
    public record Result(String accelerator, int hostCores, int rounds, int warmupRequests, List<TierResult> tiers) {}

    private final VmRuntime runtime;
    private final VmSpec spec;
    private final int rounds;
    private final int warmup;
    private final Path workDir;
    private final Consumer<String> progress;
    private final Set<Tier> tiers = EnumSet.noneOf(Tier.class);
    private final Map<Tier, WakeBreakdown> breakdowns = new EnumMap<>(Tier.class);
    /** Each tier's client times to the end of the whole response (the table's are to the first answer). */
    private final Map<Tier, List<Double>> whole = new EnumMap<>(Tier.class);

    /**
     * @param spec     the guest to wake (the hello example in {@code wisp bench wake})
     * @param rounds   wakes per tier, at least 1
     * @param warmup   requests through the router (and as many straight to the VM) before the
     *     first round, with the client both sides are timed with: a node's router that serves
     *     traffic runs JIT-compiled, and a just-started bench JVM would time its interpreter
     *     instead (several ms a request); 0 to time it cold
     * @param tiers    which of {@link #TIERS} to measure (empty: all)
     * @param workDir  scratch directory for the node's state and the raw baseline's files
     * @param progress one line per round, for a person watching
     */
    public WakeBenchmark(
            VmRuntime runtime,
            VmSpec spec,
            int rounds,
            int warmup,
            List<String> tiers,
            Path workDir,
            Consumer<String> progress) {
        checkWarmup(warmup);
        this.runtime = runtime;
        this.spec = spec;
        this.rounds = Stats.rounds(rounds);
        this.warmup = warmup;
        this.workDir = workDir;
        this.progress = progress;
        for (String t : tiers) {
            this.tiers.add(tier(t));
        }
        if (this.tiers.isEmpty()) {
            this.tiers.addAll(EnumSet.allOf(Tier.class));
        }
        for (Tier t : Tier.values()) {
            breakdowns.put(t, new WakeBreakdown());
        }
    }

    /** Checks a {@code --tiers} name; one line saying which exist otherwise. */
    public static void checkTier(String name) {
        tier(name);
    }

    /** Checks a {@code --warmup} count; one line saying the limits otherwise. */
    public static void checkWarmup(int warmup) {
        if (warmup < 0 || warmup > MAX_WARMUP) {
            throw new IllegalArgumentException("--warmup must be 0.." + MAX_WARMUP + ", got " + warmup);
        }
    }

    private static Tier tier(String name) {
        int i = TIERS.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no tier '" + name + "': one of " + String.join(", ", TIERS));
        }
        return Tier.values()[i];
    }

    /** Sleeps and wakes the guest in every tier, alternating with raw QEMU; medians per tier. */
    public Result run() throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        RawBaseline raw = new RawBaseline(runtime.accelerator().name().toLowerCase(Locale.ROOT), spec, workDir);
        Map<Tier, List<Double>> client = new EnumMap<>(Tier.class);
        Map<Tier, List<Double>> rawMs = new EnumMap<>(Tier.class);
        List<Double> straightMs = new ArrayList<>();
        List<VmmSched.Sample> rawSched = new ArrayList<>();
        List<VmmSched.Sample> straightSched = new ArrayList<>();
        for (Tier t : Tier.values()) {
            client.put(t, new ArrayList<>());
            whole.put(t, new ArrayList<>());
            rawMs.put(t, new ArrayList<>());
        }
        Path state = workDir.resolve("state");
        // Snapshotted outlasts a slow snapshot until the round sees it; retiring matters to template_only.
        Duration retire = tiers.contains(Tier.TEMPLATE_ONLY) ? Duration.ofSeconds(10) : Duration.ofHours(1);
        StandbyPolicy quickTiers =
                new StandbyPolicy(StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(3), retire);
        AutoscalerConfig toZero = AutoscalerConfig.builder()
                .stableWindow(Duration.ofSeconds(6))
                .scaleToZeroGrace(Duration.ZERO)
                .build();
        // One service at a time: a second service sinking through its tiers (a 64 MiB snapshot
        // write) would steal the cores the measured wake runs on.
        try (Node node = Node.start(NodeConfig.of(state, RouterConfig.defaults()), runtime);
                PausedVm resumer = raw.resumer();
                PausedVm straight = tiers.contains(Tier.PAUSED) ? StraightResume.boot(runtime, spec) : null) {
            node.deploy(ServiceSpec.of("warm", spec).withStandby(quickTiers).withScaling(toZero));
            ServiceTiers.await(node, "warm", s -> s.templateReady() && ServiceTiers.running(s));
            warmUp(node, "warm");
            Path templateMemory = null;
            boolean deeper = tiers.contains(Tier.SNAPSHOTTED) || tiers.contains(Tier.TEMPLATE_ONLY);
            for (int round = 1; round <= rounds && (deeper || tiers.contains(Tier.PAUSED)); round++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d/%d ", round, rounds));
                if (tiers.contains(Tier.PAUSED)) {
                    ServiceTiers.awaitTier(node, "warm", "paused");
                    rawMs.get(Tier.PAUSED).add(resumer.resumeAfter(200) / 1e6);
                    rawSched.add(resumer.lastVmm());
                    straightMs.add(straight.resumeAfter(200) / 1e6);
                    straightSched.add(straight.lastVmm());
                    client.get(Tier.PAUSED).add(firstRequest(node, "warm", Tier.PAUSED));
                    line.append(String.format(
                            Locale.ROOT, " paused %.1f", client.get(Tier.PAUSED).getLast()));
                }
                if (tiers.contains(Tier.SNAPSHOTTED)) {
                    ServiceTiers.awaitTier(node, "warm", "snapshotted");
                    String id =
                            node.status("warm").orElseThrow().instances().get(0).id();
                    Snapshot standby = runtime.loadSnapshot(state.resolve("standby/warm/" + id));
                    // A clone's standby snapshot names its template's memory file: the template path too.
                    templateMemory = standby.memoryFile()
                            .orElseThrow(() -> new IOException("standby snapshot of " + id
                                    + " is not a clone's: the service has no warm template"));
                    rawMs.get(Tier.SNAPSHOTTED).add(raw.restore(standby) / 1e6);
                    client.get(Tier.SNAPSHOTTED).add(firstRequest(node, "warm", Tier.SNAPSHOTTED));
                    line.append(String.format(
                            Locale.ROOT,
                            "  snapshotted %.1f",
                            client.get(Tier.SNAPSHOTTED).getLast()));
                }
                if (tiers.contains(Tier.TEMPLATE_ONLY)) {
                    ServiceTiers.await(node, "warm", s -> s.instances().isEmpty());
                    Path template = templateMemory != null ? templateMemory : templateMemory(state);
                    rawMs.get(Tier.TEMPLATE_ONLY)
                            .add(raw.cloneTemplate(template, template.resolveSibling("state.bin")) / 1e6);
                    client.get(Tier.TEMPLATE_ONLY).add(firstRequest(node, "warm", Tier.TEMPLATE_ONLY));
                    line.append(String.format(
                            Locale.ROOT,
                            "  template %.1f",
                            client.get(Tier.TEMPLATE_ONLY).getLast()));
                }
                progress.accept(line.append(" ms").toString());
            }
            node.remove("warm");
            node.deploy(ServiceSpec.of("cold", spec)
                    .withStandby(quickTiers)
                    .withScaling(toZero)
                    .withWarmTemplate(false));
            // Its initial instance starts in the background: seen first, so that "gone" below is
            // the end of it and not the moment before it appears.
            ServiceTiers.await(node, "cold", s -> !s.instances().isEmpty());
            for (int round = 1; round <= rounds && tiers.contains(Tier.NOTHING); round++) {
                ServiceTiers.await(node, "cold", s -> s.instances().isEmpty());
                rawMs.get(Tier.NOTHING).add(raw.coldBoot() / 1e6);
                client.get(Tier.NOTHING).add(firstRequest(node, "cold", Tier.NOTHING));
                progress.accept(String.format(
                        Locale.ROOT,
                        "round %d/%d  cold %.1f ms",
                        round,
                        rounds,
                        client.get(Tier.NOTHING).getLast()));
            }
        }
        List<TierResult> results = new ArrayList<>();
        String[] paths = {"resume_paused", "restore_snapshot", "clone_template", "cold_boot"};
        for (Tier t : tiers) {
            double c = Stats.median(client.get(t));
            double r = Stats.median(rawMs.get(t));
            results.add(new TierResult(
                    t.name().toLowerCase(Locale.ROOT),
                    paths[t.ordinal()],
                    Stats.round2(c),
                    Stats.round2(r),
                    Stats.round2(c - r),
                    Stats.round2(c / r),
                    Stats.round2(Stats.median(whole.get(t))),
                    client.get(t).stream().map(Stats::round2).toList(),
                    rawMs.get(t).stream().map(Stats::round2).toList(),
                    t == Tier.PAUSED ? Stats.round2(Stats.median(straightMs)) : 0,
                    t == Tier.PAUSED ? straightMs.stream().map(Stats::round2).toList() : List.of(),
                    t == Tier.PAUSED ? VmmSched.Medians.of(rawSched, straightSched) : null,
                    breakdowns.get(t).medians()));
        }
        return new Result(
                runtime.accelerator().name(), Runtime.getRuntime().availableProcessors(), rounds, warmup, results);
    }

    /** Runs the request path hot before the rounds: see the constructor's {@code warmup}. */
    private void warmUp(Node node, String service) throws IOException {
        if (warmup == 0) {
            return;
        }
        progress.accept(String.format(
                Locale.ROOT, "warming up: %d requests through the router, %d straight to the VM", warmup, warmup));
        int vmPort = node.status(service).orElseThrow().instances().get(0).port();
        int failed = 0;
        for (int i = 0; i < warmup; i++) {
            // Only the code's warmth matters here: a reset (user-mode networking under load
            // drops a connection now and then) is counted, not fatal.
            failed += warmGet(node.routerPort(), service) + warmGet(vmPort, service);
        }
        if (failed > 0) {
            progress.accept(failed + " of the warm-up's " + 2 * warmup + " requests got no 200");
        }
    }

    /**
     * Times the request that wakes the service, then lines the wake's trace up with it and times
     * a second request right after (the same path, warm).
     */
    private double firstRequest(Node node, String service, Tier tier) throws IOException, InterruptedException {
        HttpProbe.Timed first = HttpProbe.timedGet(node.routerPort(), service + ".localhost", "/");
        // The wake's thread finishes its books after the vCPUs run: a paused wake's may end after the answer.
        long deadline = System.nanoTime() + 2_000_000_000L;
        WakeTrace trace = node.lastWake(service).orElse(null);
        while ((trace == null || trace.doneNanos() == 0 || trace.routedNanos() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(1);
            trace = node.lastWake(service).orElse(null);
        }
        if (trace == null || !breakdowns.get(tier).add(first, trace)) {
            progress.accept("  (no trace of this wake: another wake came first; its steps are left out)");
        }
        whole.get(tier).add(first.wholeMillis());
        try {
            compareWarm(node, service, tier);
        } catch (IOException e) {
            // Seen on quiet hosts: a request straight to the VM's forwarded port reset right after
            // a wake (docs/vmm.md). Only the warm comparison is lost, and the run says so.
            progress.accept("  (a warm request after the wake failed, its comparison is left out: " + e + ")");
        }
        return first.millis();
    }

    /** A warm request through the router and straight to the VM, twice, for the breakdown. */
    private void compareWarm(Node node, String service, Tier tier) throws IOException {
        HttpProbe.Timed routed = HttpProbe.timedGet(node.routerPort(), service + ".localhost", "/");
        int vmPort = node.status(service).orElseThrow().instances().get(0).port();
        if (vmPort > 0) { // still running (a busy host may have paused it again by now)
            // Router, VM, VM, router: the guest settles after a wake, so whichever side came first
            // would look slower; in this order a drift weighs on both sides alike.
            HttpProbe.Timed direct = HttpProbe.timedGet(vmPort, service + ".localhost", "/");
            HttpProbe.Timed direct2 = HttpProbe.timedGet(vmPort, service + ".localhost", "/");
            breakdowns.get(tier).warm(routed, direct);
            breakdowns.get(tier).warm(HttpProbe.timedGet(node.routerPort(), service + ".localhost", "/"), direct2);
        }
    }

    /** One warm-up request with the timed client; 1 if it got no 200. */
    private static int warmGet(int port, String service) {
        try {
            HttpProbe.timedGet(port, service + ".localhost", "/");
            return 0;
        } catch (IOException e) {
            return 1;
        }
    }

    /** The warm template's memory file under the node's state directory. */
    private static Path templateMemory(Path state) throws IOException {
        try (var files = Files.walk(state)) {
            return files.filter(p -> p.getFileName().toString().equals("memory.bin")
                            && Files.exists(p.resolveSibling("state.bin"))
                            && !p.startsWith(state.resolve("standby")))
                    .findFirst()
                    .orElseThrow(() -> new IOException("the service has no warm template under " + state));
        }
    }

    /** The table people read. */
    public static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        Formatter f = new Formatter(sb, Locale.ROOT);
        f.format(
                "first request to a sleeping service, median of %d rounds (%s, %d cores, after %d warm-up requests)%n",
                r.rounds(), r.accelerator(), r.hostCores(), r.warmupRequests());
        f.format(
                "%-14s %-17s %11s %11s %10s %7s %10s%n",
                "asleep as", "wake path", "client ms", "raw ms", "+ms", "ratio", "whole ms");
        for (TierResult t : r.tiers()) {
            f.format(
                    "%-14s %-17s %11.1f %11.1f %10.1f %7.2f %10.1f%n",
                    t.tier(),
                    t.wakePath(),
                    t.clientMedianMs(),
                    t.rawMedianMs(),
                    t.overheadMs(),
                    t.ratio(),
                    t.clientWholeMedianMs());
        }
        sb.append("client and raw ms: to the first answer (the status line); whole ms: the client's, to the"
                + " response's end\n");
        for (TierResult t : r.tiers()) {
            if (t.straightMedianMs() > 0) {
                f.format(
                        "%s, no router or node: Wisp's VM resumed by the runtime %.1f ms (%.2f of raw)%n",
                        t.tier(), t.straightMedianMs(), t.straightMedianMs() / t.rawMedianMs());
            }
            VmmSched.Medians v = t.vmmSched();
            if (v != null) {
                f.format(
                        "%s, the VMM's threads from cont to the answer: raw QEMU %.1f ms on a CPU, %.1f ms waiting"
                                + " for one; Wisp's %.1f and %.1f ms%n",
                        t.tier(), v.rawOnCpuMs(), v.rawWaitMs(), v.wispOnCpuMs(), v.wispWaitMs());
            }
        }
        for (TierResult t : r.tiers()) {
            f.format("%nwake from %s (%s): where the client's wait went, medians%n", t.tier(), t.wakePath());
            for (WakeBreakdown.Part p : t.breakdown()) {
                f.format("  %-58s %8.2f ms%n", p.step(), p.medianMs());
            }
        }
        return sb.toString();
    }
}
