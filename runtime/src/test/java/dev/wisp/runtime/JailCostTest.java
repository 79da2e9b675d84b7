package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.runtime.jail.JailConfig;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the jail costs: clone and restore medians jailed and not (no pooled VMMs, so the jail's
 * start is in the path), and a VMM's peak memory beyond its guest's RAM with the guest's RAM full.
 * Prints the figures (README, Security); asserts only that every clone and restore serves.
 */
@ExtendWith(VmTests.class)
class JailCostTest {
    private static final int ROUNDS = 5;

    @TempDir
    Path scratch;

    @Test
    void cloneAndRestore_jailedAndNot_serveAndPrintMedians() throws Exception {
        Image image = HttpdApp.in(scratch.resolve("cost"))
                .cgi("whoami", TestGuests.WHOAMI)
                .cgi("eat", JailVmTest.EAT)
                .build(HttpdApp.ENTRYPOINT, new ImageStore(WispHome.resolve()));
        VmSpec spec = TestGuests.spec(image);
        double[] open = measure(JailConfig.OFF, spec, "open");
        double[] jailed = measure(JailConfig.DEFAULT, spec, "jail");
        System.out.printf(
                Locale.ROOT,
                "JAIL-COST clone median %.1f ms jailed vs %.1f ms not (x%.2f); restore median %.1f ms vs %.1f ms (x%.2f)%n",
                jailed[0],
                open[0],
                jailed[0] / open[0],
                jailed[1],
                open[1],
                jailed[1] / open[1]);

        try (VmRuntime rt = VmRuntime.start(
                TestGuests.config().withVmmPool(0).withJail(JailConfig.DEFAULT),
                VmTests.kernel().vmlinux())) {
            Instance vm = rt.boot("cost-eat", spec);
            Path memory =
                    rt.jailer().orElseThrow().cgroupDirectories("cost-eat").get(1);
            TestGuests.get(vm.hostPort(), "/cgi-bin/eat");
            long peak = Long.parseLong(Files.readString(memory.resolve("memory.max_usage_in_bytes"))
                    .strip());
            System.out.printf(
                    Locale.ROOT,
                    "JAIL-COST VMM peak %d MiB with a %d MiB guest's RAM full: overhead %d MiB%n",
                    peak >> 20,
                    spec.memoryMib(),
                    (peak >> 20) - spec.memoryMib());
            assertThat(vm.state()).isEqualTo(InstanceState.READY);
            vm.stop();
        }
    }

    /** Median clone time and median restore time, in ms. */
    private double[] measure(JailConfig jail, VmSpec spec, String name) {
        try (VmRuntime rt = VmRuntime.start(
                TestGuests.config().withVmmPool(0).withJail(jail),
                VmTests.kernel().vmlinux())) {
            Template t = rt.createTemplate(name, spec, scratch.resolve("tpl-" + name));
            List<Double> clones = new ArrayList<>();
            List<Double> restores = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                long t0 = System.nanoTime();
                Instance c = rt.cloneFrom(t, name + "-c" + i);
                clones.add((System.nanoTime() - t0) / 1e6);
                assertThat(TestGuests.get(c.hostPort(), "/cgi-bin/whoami")).startsWith("200 " + name + "-c" + i);
                c.snapshot(scratch.resolve(name + "-s" + i));
                long t1 = System.nanoTime();
                c.restore();
                restores.add((System.nanoTime() - t1) / 1e6);
                assertThat(TestGuests.get(c.hostPort(), "/cgi-bin/whoami")).startsWith("200 " + name + "-c" + i);
                c.stop();
            }
            System.out.println("JAIL-COST " + name + " clones " + clones + " restores " + restores);
            return new double[] {median(clones), median(restores)};
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
