package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelComparisonTest {
    private static KernelComparison.KernelRun run(String kernel, double coldMs) {
        StartupBenchmark.PathResult cold =
                new StartupBenchmark.PathResult("cold-boot", coldMs, 1000, coldMs / 1000, List.of(coldMs), List.of());
        StartupBenchmark.PathResult resume =
                new StartupBenchmark.PathResult("resume-paused", 10, 8, 1.25, List.of(10.0), List.of(8.0));
        return new KernelComparison.KernelRun(
                kernel,
                kernel + "-1",
                new StartupBenchmark.Result(
                        "TCG",
                        2,
                        1,
                        64,
                        1,
                        List.of(cold, resume),
                        3,
                        new StartupBenchmark.ColdBoot(java.util.Map.of(), java.util.Map.of())));
    }

    @Test
    void twoKernels_coldBootRatioIsLastOverFirst() {
        KernelComparison c = KernelComparison.of(List.of(run("debian", 2000), run("wisp", 500)));

        assertThat(c.coldBootRatio()).isEqualTo(0.25);
        assertThat(KernelComparison.table(c))
                .contains("kernel debian (debian-1)", "kernel wisp (wisp-1)")
                .contains("cold boot to first answer, wisp / debian kernel: 0.25");
    }

    @Test
    void oneKernel_isRefused() {
        assertThatThrownBy(() -> KernelComparison.of(List.of(run("wisp", 500))))
                .hasMessage("comparing kernels needs at least two, got 1");
    }
}
