package dev.wisp.bench;

import static dev.wisp.bench.VmmMeasures.MIB;

import dev.wisp.bench.DensityBenchmark.Host;
import dev.wisp.bench.DensityBenchmark.Result;
import dev.wisp.bench.DensityBenchmark.Standby;
import dev.wisp.bench.DensityBenchmark.Tier;
import dev.wisp.bench.DensityBenchmark.VmMemory;
import dev.wisp.bench.DensityBenchmark.Wakes;
import java.util.Formatter;
import java.util.List;
import java.util.Locale;

/** The density benchmark's table people read. */
final class DensityReport {
    private DensityReport() {}

    static String table(Result r) {
        Formatter b = new Formatter(Locale.ROOT);
        Host h = r.host();
        b.format(
                "host: %d cores, %,d MiB memory (%,d MiB available at start), %,d MiB disk free, %s%n",
                h.cores(), h.memoryMiB(), h.availableMiB(), h.diskFreeMiB(), h.accelerator());
        b.format("guest: busybox hello, %d MiB, 1 vCPU, cloned from one shared warm template%n%n", r.guestMemoryMiB());
        for (Tier t : List.of(r.running(), r.paused())) {
            String name = t == r.running() ? "running" : "paused";
            VmMemory m = t.perVm();
            b.format(
                    "%-8s %5d held (%s) in %.1f s; memory would fit %,d by PSS%s%n",
                    name,
                    t.count(),
                    t.stoppedBecause(),
                    t.seconds(),
                    t.fitByPss(),
                    t == r.running()
                            ? String.format(
                                    Locale.ROOT,
                                    ", CPU %,d at %.1f cores at this idle cost",
                                    t.fitByCpu(),
                                    DensityStages.CPU_LIMIT * r.host().cores())
                            : "");
            b.format(
                    "         per VM: RSS %.1f MiB, PSS %.1f MiB; guest RAM mapped %.1f MiB of which "
                            + "changed %.1f MiB; QEMU's own RSS %.1f MiB, PSS %.1f MiB, private %.1f MiB%n",
                    m.rss(), m.pss(), m.guestRss(), m.guestChanged(), m.vmmOwnRss(), m.vmmOwnPss(), m.vmmOwnPrivate());
            b.format(
                    "         host memory used %.0f MiB; idle CPU %.3f cores in all, %.4f per VM "
                            + "(over %.0f s, host %.0f %% busy meanwhile)%n",
                    t.hostMemoryUsedMiB(),
                    t.cpuCores(),
                    t.cpuCoresPerVm(),
                    t.cpuWindowSeconds(),
                    t.hostCpuBusyPercent());
            b.format(
                    "         /metrics scrape: first %.1f ms, then %.1f ms (median of 3) for %.1f MiB" + " of text%n",
                    t.metricsFirstScrapeMs(), t.metricsScrapeMs(), t.metricsScrapeBytes() / MIB);
        }
        Standby s = r.standby();
        b.format(
                "standby  %5d on snapshot standby in %.1f s; %.2f MiB disk each (%.1f MiB in all, "
                        + "shared template %.1f MiB); host memory used %.0f MiB%n",
                s.services(),
                s.seconds(),
                s.diskMiBPerInstance(),
                s.diskBytes() / MIB,
                s.templateDiskBytes() / MIB,
                s.hostMemoryUsedMiB());
        Wakes w = r.wakes();
        b.format(
                "wakes    %5d answered their first request (%d failed) in %.1f s, %d at a time: 1st %.1f ms, "
                        + "100th %.1f ms, last %.1f ms; median %.1f, p90 %.1f, p99 %.1f ms%n",
                w.answered(),
                w.failed(),
                w.seconds(),
                w.inFlight(),
                w.first(),
                w.hundredth(),
                w.last(),
                w.median(),
                w.p90(),
                w.p99());
        b.format(
                "total %.1f s; left behind: %d VMMs, state directory %s%n",
                r.totalSeconds(), r.vmmsLeft(), r.stateDirectoryLeft() ? "still there" : "removed");
        return b.toString();
    }
}
