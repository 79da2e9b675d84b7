package dev.wisp.bench;

import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.common.FileTrees;
import dev.wisp.node.CapacityConfig;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code wisp bench density}: how many small services one host holds, on one {@link Node}, in each
 * tier. Every service is the same small image, so they share one warm template: each instance is
 * a clone mapping the template's memory file privately, and a standby snapshot of it holds only
 * the pages it changed. Phases, each cleaned up before the next:
 * <ol>
 *   <li>running: always-on services until the count or the host's memory reserve is reached;
 *       RSS and PSS of each VMM, and CPU of the idle VMs over a window, from {@code /proc};</li>
 *   <li>paused: services that pause at once; their memory and CPU the same way;</li>
 *   <li>standby: services whose policy snapshots at once, so that each stands on standby at the
 *       shared template without a VM; disk per service; then one request to each through the
 *       router, timed by the client, which wakes it (a clone of the template).</li>
 * </ol>
 */
public final class DensityBenchmark extends GuestBenchmark {
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
    public record Host(int cores, long memoryMiB, long availableMiB, long diskFreeMiB, String accelerator) {}

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
    public record VmMemory(
            int sampled,
            double rss,
            double pss,
            double guestRss,
            double guestChanged,
            double vmmOwnRss,
            double vmmOwnPss,
            double vmmOwnPrivate) {}

    /**
     * A tier held on the host: how many, what stopped the count, their memory and CPU, and what one
     * {@code /metrics} scrape of the node costs with them: the first (meters registered, every
     * VMM's /proc read in full) and the median of the next three, the steady state of a scraper
     * or the dashboard, with its size.
     */
    public record Tier(
            int count,
            String stoppedBecause,
            double seconds,
            VmMemory perVm,
            double pssTotalMiB,
            double hostMemoryUsedMiB,
            int fitByPss,
            int fitByCpu,
            double cpuCores,
            double cpuCoresPerVm,
            double cpuWindowSeconds,
            double hostCpuBusyPercent,
            double metricsFirstScrapeMs,
            double metricsScrapeMs,
            long metricsScrapeBytes) {}

    /** Snapshot standby: how many, how long they took, their disk. */
    public record Standby(
            int services,
            double seconds,
            long diskBytes,
            double diskMiBPerInstance,
            long templateDiskBytes,
            double hostMemoryUsedMiB,
            int startRetries) {}

    /**
     * First request to each standby service through the router, client-timed, in ms; the first
     * alone, the rest {@code inFlight} at a time.
     */
    public record Wakes(
            int answered,
            int failed,
            double first,
            double hundredth,
            double last,
            double median,
            double p90,
            double p99,
            double seconds,
            int inFlight) {}

    /** The whole run. */
    public record Result(
            Host host,
            int guestMemoryMiB,
            Tier running,
            Tier paused,
            Standby standby,
            Wakes wakes,
            double totalSeconds,
            int vmmsLeft,
            boolean stateDirectoryLeft,
            String stateDirectory) {}

    private final Options options;

    /**
     * @param spec     the guest every service runs (the same image, so they share one warm template)
     * @param workDir  scratch directory; the node's state goes below it and is removed at the end
     * @param progress one line per step, for a person watching
     */
    public DensityBenchmark(VmRuntime runtime, VmSpec spec, Options options, Path workDir, Consumer<String> progress) {
        super(runtime, spec, workDir, progress);
        this.options = options;
    }

    /** Runs every stage on one node, cleaning up after each, and checks that nothing is left behind. */
    public Result run() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path state = workDir.resolve("state");
        Files.createDirectories(state);
        Host host = host(state);
        progress(
                "host: %d cores, %,d MiB memory (%,d available), %,d MiB disk free, %s",
                host.cores(), host.memoryMiB(), host.availableMiB(), host.diskFreeMiB(), host.accelerator());
        // Memory is measured, not booked: the node admits guest memory up to 10x the host's, and
        // the run stops at a reserve of real free memory instead.
        NodeConfig config = NodeConfig.of(state, RouterConfig.defaults())
                .withCapacity(CapacityConfig.defaults().withMemoryOvercommit(10.0));
        Node node = Node.start(config, runtime);
        Thread cleanup = new Thread(() -> node.close(), "density-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        DensityStages stages = new DensityStages(runtime, spec, options, progress);
        Tier running;
        Tier paused;
        Standby standby;
        Wakes wakes;
        try {
            running = stages.holdTier(node, "r", options.running(), StandbyPolicy.of(StandbyMode.ALWAYS_ON), "running");
            paused = stages.holdTier(
                    node,
                    "p",
                    options.paused(),
                    new StandbyPolicy(StandbyMode.PAUSE, Duration.ZERO, Duration.ofHours(24), Duration.ofHours(24)),
                    "paused");
            standby = stages.standby(node, state);
            wakes = stages.wakeAll(node);
        } finally {
            node.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        int left = stages.vmmsLeft();
        FileTrees.delete(state);
        return new Result(
                host,
                spec.memoryMib(),
                running,
                paused,
                standby,
                wakes,
                DensityStages.round((System.nanoTime() - t0) / 1e9),
                left,
                Files.exists(state),
                state.toString());
    }

    private Host host(Path state) throws IOException {
        long free = Files.getFileStore(state).getUsableSpace() >> 20;
        return new Host(
                Runtime.getRuntime().availableProcessors(),
                VmmMeasures.meminfo("MemTotal"),
                VmmMeasures.meminfo("MemAvailable"),
                free,
                runtime.accelerator().name().toLowerCase(Locale.ROOT));
    }

    /** The table people read. */
    public static String table(Result r) {
        return DensityReport.table(r);
    }
}
