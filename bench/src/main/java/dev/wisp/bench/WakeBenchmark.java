package dev.wisp.bench;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.node.ServiceSpec;
import dev.wisp.node.ServiceStatus;
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
import java.util.Formatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@code wisp bench wake}: the latency a client sees for its first request to a service asleep
 * in each standby tier (through Wisp's router, which holds the request while the instance
 * wakes), beside raw QEMU doing the same operation to the same guest (resume, restore the same
 * snapshot file, clone the same template, boot) timed to its first answer.
 */
public final class WakeBenchmark extends GuestBenchmark {
    private static final Duration WAIT_FOR_TIER = Duration.ofSeconds(90);

    /** The standby tiers a request can find a service in. */
    private enum Tier {
        PAUSED,
        SNAPSHOTTED,
        TEMPLATE_ONLY,
        NOTHING
    }

    /** One tier: the client's first-request latency and raw QEMU's, medians. */
    public record TierResult(
            String tier,
            String wakePath,
            double clientMedianMs,
            double rawMedianMs,
            double overheadMs,
            double ratio,
            List<Double> clientMs,
            List<Double> rawMs) {}

    /** The whole run. */
    public record Result(String accelerator, int hostCores, int rounds, List<TierResult> tiers) {}

    private final int rounds;

    /**
     * @param spec     the guest to wake (the hello example in {@code wisp bench wake})
     * @param rounds   wakes per tier, at least 1
     * @param workDir  scratch directory for the node's state and the raw baseline's files
     * @param progress one line per round, for a person watching
     */
    public WakeBenchmark(VmRuntime runtime, VmSpec spec, int rounds, Path workDir, Consumer<String> progress) {
        super(runtime, spec, workDir, progress);
        this.rounds = Stats.rounds(rounds);
    }

    /** Sleeps and wakes the guest in every tier, alternating with raw QEMU; medians per tier. */
    public Result run() throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        RawBaseline raw = new RawBaseline(runtime.accelerator().name().toLowerCase(Locale.ROOT), spec, workDir);
        Map<Tier, List<Double>> client = new EnumMap<>(Tier.class);
        Map<Tier, List<Double>> rawMs = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            client.put(t, new ArrayList<>());
            rawMs.put(t, new ArrayList<>());
        }
        Path state = workDir.resolve("state");
        StandbyPolicy quickTiers = new StandbyPolicy(
                StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(4));
        AutoscalerConfig toZero = AutoscalerConfig.builder()
                .stableWindow(Duration.ofSeconds(6))
                .scaleToZeroGrace(Duration.ZERO)
                .build();
        // One service at a time: a second service sinking through its tiers (a 64 MiB snapshot
        // write) would steal the cores the measured wake runs on.
        try (Node node = Node.start(NodeConfig.of(state, RouterConfig.defaults()), runtime);
                RawBaseline.Resumer resumer = raw.resumer()) {
            node.deploy(ServiceSpec.of("warm", spec).withStandby(quickTiers).withScaling(toZero));
            awaitStatus(node, "warm", s -> s.templateReady() && running(s));
            Path templateMemory = null;
            for (int round = 1; round <= rounds; round++) {
                awaitStatus(node, "warm", s -> settledIn(s, "paused"));
                rawMs.get(Tier.PAUSED).add(resumer.resumeAfter(200) / 1e6);
                client.get(Tier.PAUSED).add(firstRequest(node, "warm"));

                awaitStatus(node, "warm", s -> settledIn(s, "snapshotted"));
                String id = node.status("warm").orElseThrow().instances().get(0).id();
                Snapshot standby = runtime.loadSnapshot(state.resolve("standby/warm/" + id));
                // A clone's standby snapshot names its template's memory file: the template path too.
                templateMemory = standby.memoryFile()
                        .orElseThrow(() -> new IOException(
                                "standby snapshot of " + id + " is not a clone's: the service has no warm template"));
                rawMs.get(Tier.SNAPSHOTTED).add(raw.restore(standby) / 1e6);
                client.get(Tier.SNAPSHOTTED).add(firstRequest(node, "warm"));

                awaitStatus(node, "warm", s -> s.instances().isEmpty());
                rawMs.get(Tier.TEMPLATE_ONLY)
                        .add(raw.cloneTemplate(templateMemory, templateMemory.resolveSibling("state.bin")) / 1e6);
                client.get(Tier.TEMPLATE_ONLY).add(firstRequest(node, "warm"));
                progress(
                        "round %d/%d  paused %.1f  snapshotted %.1f  template %.1f ms",
                        round,
                        rounds,
                        client.get(Tier.PAUSED).getLast(),
                        client.get(Tier.SNAPSHOTTED).getLast(),
                        client.get(Tier.TEMPLATE_ONLY).getLast());
            }
            node.remove("warm");
            node.deploy(ServiceSpec.of("cold", spec)
                    .withStandby(quickTiers)
                    .withScaling(toZero)
                    .withWarmTemplate(false));
            // Its initial instance starts in the background: seen first, so that "gone" below is
            // the end of it and not the moment before it appears.
            awaitStatus(node, "cold", s -> !s.instances().isEmpty());
            for (int round = 1; round <= rounds; round++) {
                awaitStatus(node, "cold", s -> s.instances().isEmpty());
                rawMs.get(Tier.NOTHING).add(raw.coldBoot() / 1e6);
                client.get(Tier.NOTHING).add(firstRequest(node, "cold"));
                progress(
                        "round %d/%d  cold %.1f ms",
                        round, rounds, client.get(Tier.NOTHING).getLast());
            }
        }
        List<TierResult> tiers = new ArrayList<>();
        String[] paths = {"resume_paused", "restore_snapshot", "clone_template", "cold_boot"};
        for (Tier t : Tier.values()) {
            double c = Stats.median(client.get(t));
            double r = Stats.median(rawMs.get(t));
            tiers.add(new TierResult(
                    t.name().toLowerCase(Locale.ROOT),
                    paths[t.ordinal()],
                    Stats.round2(c),
                    Stats.round2(r),
                    Stats.round2(c - r),
                    Stats.round2(c / r),
                    client.get(t).stream().map(Stats::round2).toList(),
                    rawMs.get(t).stream().map(Stats::round2).toList()));
        }
        return new Result(runtime.accelerator().name(), Runtime.getRuntime().availableProcessors(), rounds, tiers);
    }

    private static double firstRequest(Node node, String service) throws IOException {
        return HttpProbe.timeGet(node.routerPort(), service + ".localhost", "/") / 1e6;
    }

    private static boolean running(ServiceStatus s) {
        return s.instances().size() == 1
                && s.instances().get(0).port() > 0
                && !s.instances().get(0).busy();
    }

    private static boolean settledIn(ServiceStatus s, String tier) {
        return s.instances().size() == 1
                && s.instances().get(0).tier().equals(tier)
                && !s.instances().get(0).busy();
    }

    private static void awaitStatus(Node node, String service, Predicate<ServiceStatus> condition)
            throws InterruptedException, IOException {
        awaitStatus(node, service, condition, WAIT_FOR_TIER, "reach the expected tier");
    }

    /** The table people read. */
    public static String table(Result r) {
        Formatter out = new Formatter(Locale.ROOT);
        out.format(
                "first request to a sleeping service, median of %d rounds (%s, %d cores)%n",
                r.rounds(), r.accelerator(), r.hostCores());
        Columns columns = new Columns(
                "asleep as",
                "%-14s",
                "wake path",
                "%-17s",
                "client ms",
                "%11.1f",
                "raw ms",
                "%11.1f",
                "+ms",
                "%10.1f",
                "ratio",
                "%7.2f");
        out.format("%s%n", columns.header());
        for (TierResult t : r.tiers()) {
            out.format(
                    "%s%n",
                    columns.row(
                            t.tier(), t.wakePath(), t.clientMedianMs(), t.rawMedianMs(), t.overheadMs(), t.ratio()));
        }
        return out.toString();
    }
}
