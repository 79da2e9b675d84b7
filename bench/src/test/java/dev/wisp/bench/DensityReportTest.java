package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.bench.DensityBenchmark.Host;
import dev.wisp.bench.DensityBenchmark.Result;
import dev.wisp.bench.DensityBenchmark.Standby;
import dev.wisp.bench.DensityBenchmark.Tier;
import dev.wisp.bench.DensityBenchmark.VmMemory;
import dev.wisp.bench.DensityBenchmark.Wakes;
import org.junit.jupiter.api.Test;

/** The density table people read: every tier's figures on its own lines, and what was left behind. */
class DensityReportTest {
    @Test
    void table_showsEachTierStandbyWakesAndLeftovers() {
        VmMemory m = new VmMemory(3, 40.5, 22.3, 30.0, 1.2, 10.5, 8.0, 6.1);
        Tier running = new Tier(
                120,
                "idle VMs take 1.50 of 2 cores",
                61.2,
                m,
                2676,
                3000,
                900,
                160,
                1.5,
                0.0125,
                10,
                80,
                120.4,
                40.2,
                2 * 1024 * 1024);
        Tier paused = new Tier(
                300, "count reached", 90.0, m, 6690, 7000, 900, 0, 0.01, 0.00003, 10, 20, 200, 80, 4 * 1024 * 1024);
        Result r = new Result(
                new Host(2, 15_000, 12_000, 50_000, "tcg"),
                80,
                running,
                paused,
                new Standby(1000, 700.0, 1024L * 1024 * 1024, 1.02, 80L * 1024 * 1024, 150, 2),
                new Wakes(999, 1, 250.0, 180.0, 190.0, 185.0, 260.0, 400.0, 300.0, 3),
                1500.0,
                0,
                false,
                "/tmp/x/state");

        String table = DensityReport.table(r);

        assertThat(table)
                .contains("host: 2 cores, 15,000 MiB memory (12,000 MiB available at start), 50,000 MiB disk free, tcg")
                .containsPattern(
                        "(?m)^running    120 held \\(idle VMs take 1\\.50 of 2 cores\\) in 61\\.2 s; memory would fit 900 by PSS,"
                                + " CPU 160 at 1\\.6 cores at this idle cost$")
                .containsPattern(
                        "(?m)^paused     300 held \\(count reached\\) in 90\\.0 s; memory would fit 900 by PSS$")
                .contains("per VM: RSS 40.5 MiB, PSS 22.3 MiB")
                .contains("/metrics scrape: first 120.4 ms, then 40.2 ms (median of 3) for 2.0 MiB of text")
                .contains("standby   1000 on snapshot standby in 700.0 s; 1.02 MiB disk each (1024.0 MiB in all")
                .contains("wakes      999 answered their first request (1 failed)")
                .contains("median 185.0, p90 260.0, p99 400.0 ms")
                .endsWith("total 1500.0 s; left behind: 0 VMMs, state directory removed\n");
    }
}
