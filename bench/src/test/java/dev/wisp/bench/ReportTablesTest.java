package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tables `wisp bench` prints, to the character: people compare them across runs and with the README. */
class ReportTablesTest {
    private static final String N = System.lineSeparator();

    @Test
    void wakeTable_alignsEveryTierUnderItsHeader_andListsEachWakesParts() {
        var r = new WakeBenchmark.Result(
                "tcg",
                2,
                3,
                1000,
                List.of(
                        new WakeBenchmark.TierResult(
                                "paused",
                                "resume",
                                24.25,
                                10.0,
                                14.25,
                                2.425,
                                26.5,
                                List.of(),
                                List.of(),
                                12.0,
                                List.of(12.0),
                                new VmmSched.Medians(6.5, 2.5, 7.0, 3.0),
                                List.of(new WakeBreakdown.Part("router: accepted to granted", 3.5))),
                        new WakeBenchmark.TierResult(
                                "nothing",
                                "cold boot",
                                1733.8,
                                1500.0,
                                233.8,
                                1.156,
                                1740.0,
                                List.of(),
                                List.of(),
                                0,
                                List.of(),
                                null,
                                List.of())));

        assertThat(WakeBenchmark.table(r))
                .isEqualTo(
                        "first request to a sleeping service, median of 3 rounds (tcg, 2 cores, after 1000 warm-up requests)"
                                + N
                                + "asleep as      wake path           client ms      raw ms        +ms   ratio   whole ms"
                                + N
                                + "paused         resume                   24.3        10.0       14.3    2.43       26.5"
                                + N
                                + "nothing        cold boot              1733.8      1500.0      233.8    1.16     1740.0"
                                + N
                                + "client and raw ms: to the first answer (the status line); whole ms: the client's, to the"
                                + " response's end\n"
                                + "paused, no router or node: Wisp's VM resumed by the runtime 12.0 ms (1.20 of raw)"
                                + N
                                + "paused, the VMM's threads from cont to the answer: raw QEMU 6.5 ms on a CPU, 2.5 ms"
                                + " waiting for one; Wisp's 7.0 and 3.0 ms"
                                + N
                                + N + "wake from paused (resume): where the client's wait went, medians" + N
                                + "  router: accepted to granted                                    3.50 ms" + N
                                + N + "wake from nothing (cold boot): where the client's wait went, medians" + N);
    }

    @Test
    void startupTable_listsEachPathTheCloneSpeedupAndTheColdBootSteps() {
        var steps = new StartupBenchmark.ColdBoot(
                java.util.Map.of("guest kernel", 510.0), java.util.Map.of("guest kernel", 505.25));
        var r = new StartupBenchmark.Result(
                "kvm",
                8,
                5,
                256,
                2,
                List.of(new StartupBenchmark.PathResult("cold boot", 1733.8, 1600.25, 1.0834, List.of(), List.of())),
                9.61,
                steps);

        assertThat(StartupBenchmark.table(r))
                .isEqualTo(
                        "startup to first HTTP answer, median of 5 rounds (kvm, 8 cores, 256 MiB guest, VMM pool 2)" + N
                                + "path                   wisp ms  raw qemu ms    ratio" + N
                                + "cold boot               1733.8       1600.3     1.08" + N
                                + "clone-from-template is 9.6x faster than cold boot" + N
                                + "cold boot by step, medians (ms):" + N
                                + "step                         wisp ms  raw qemu ms" + N
                                + "guest kernel                   510.0        505.3" + N);
    }

    @Test
    void inferenceTable_showsBothSidesAndTheRatio() {
        var r = new InferenceBenchmark.Result(
                "tcg",
                2,
                512,
                8,
                5,
                3,
                "logistic",
                0.9123,
                new InferenceBenchmark.Side(1, 100.04, 70.0, 120.55, List.of()),
                new InferenceBenchmark.Side(2, 190.0, 40.0, 90.0, List.of()),
                1.899);

        assertThat(InferenceBenchmark.table(r))
                .isEqualTo("examples/inference (logistic; held-out accuracy 0.912), 512 MiB per instance" + N
                        + "hey -c 8 for 5 s per round, median of 3 rounds (tcg, 2 cores)" + N
                        + "instances    requests/s     p50 ms     p99 ms" + N
                        + "1                 100.0       70.0      120.6" + N
                        + "2                 190.0       40.0       90.0" + N
                        + "2 instances / 1: 1.90x" + N);
    }

    @Test
    void routerTable_showsBothProxiesEachRoundAndTheRatios() {
        var options = new RouterBenchmark.Options(2, 5, 5, 64, 1, 1, "/usr/bin/wrk", "/usr/sbin/nginx");
        var round = new RouterBenchmark.WrkRun(20000.4, 1.234, 5.678, 100000, 0, 0);
        var router = new RouterBenchmark.Target("router", 20000.4, 1.234, 5.678, 1, 2, List.of(round, round));
        var nginx = new RouterBenchmark.Target("nginx", 40000.0, 0.5, 2.0, 0, 0, List.of(round));
        var r = new RouterBenchmark.Result(options, "hello", "epoll", router, nginx, 0.5, 2.468, 2.839, 61_500);

        assertThat(r.summary())
                .isEqualTo("wisp bench router: 2 rounds x 5s, wrk -t1 -c64, 1 proxy thread(s), router on epoll,"
                        + " backend: hello" + N
                        + "                req/s     p50 ms     p99 ms   errors   (rps/p50/p99 per round)" + N
                        + "router          20000      1.234      5.678        3   rounds: 20000/1.23/5.68 20000/1.23/5.68"
                        + N
                        + "nginx           40000      0.500      2.000        0   rounds: 20000/1.23/5.68" + N
                        + "router/nginx: rps x0.50, p50 x2.47, p99 x2.84 (61.5 s)" + N);
    }
}
