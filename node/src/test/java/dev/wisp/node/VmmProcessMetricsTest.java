package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * When a scrape reads which part of /proc. A counting reader and a hand-moved clock stand in for
 * /proc and time; {@code SharedTemplateAndVmmMetricsTest} reads real VMMs.
 */
class VmmProcessMetricsTest {
    private final AtomicLong clock = new AtomicLong();
    private final List<Boolean> pssAsked = new ArrayList<>();
    private final AtomicReference<Map<String, Long>> vmms = new AtomicReference<>(Map.of("web-1", 42L));
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final VmmProcessMetrics metrics =
            new VmmProcessMetrics(new CountingProcesses(), registry, id -> "web", clock::get);

    /** The processes {@link #vmms} names; each read counted, its figures growing with the count. */
    private final class CountingProcesses implements VmmProcessMetrics.Processes {
        @Override
        public Map<String, Long> pids() {
            return vmms.get();
        }

        @Override
        public Optional<VmmUsage> read(long pid, boolean withPss) {
            pssAsked.add(withPss);
            int n = pssAsked.size();
            return Optional.of(new VmmUsage(pid, n, n * 1000L, withPss ? n * 10L : -1));
        }
    }

    @Test
    void scrapesWithinThePssMaxAge_readCpuAndRssEachTimeAndKeepTheLastPss() {
        metrics.refresh();
        clock.set(VmmProcessMetrics.PSS_MAX_AGE.toNanos() - 1);
        metrics.refresh();

        assertThat(pssAsked).containsExactly(true, false);
        assertThat(gauge("wisp.vmm.resident")).isEqualTo(2000);
        assertThat(gauge("wisp.vmm.pss")).isEqualTo(10);
        assertThat(registry.get("wisp.vmm.cpu").functionCounter().count()).isEqualTo(2);
    }

    @Test
    void scrapeOnceThePssIsAsOldAsItsMaxAge_readsItAgain() {
        metrics.refresh();
        clock.set(VmmProcessMetrics.PSS_MAX_AGE.toNanos());
        metrics.refresh();

        assertThat(pssAsked).containsExactly(true, true);
        assertThat(gauge("wisp.vmm.pss")).isEqualTo(20);
    }

    @Test
    void restoredInstance_newProcessGetsItsPssReadAtOnceAndFreshSeries() {
        metrics.refresh();
        vmms.set(Map.of("web-1", 43L)); // snapshotted and restored: same id, new VMM process
        clock.set(1);
        metrics.refresh();

        assertThat(pssAsked).containsExactly(true, true);
        assertThat(gauge("wisp.vmm.pss")).isEqualTo(20);
        assertThat(registry.find("wisp.vmm.pss").gauges()).hasSize(1);
    }

    @Test
    void instanceWithoutProcess_losesItsSeries() {
        metrics.refresh();
        vmms.set(Map.of());
        metrics.refresh();

        assertThat(registry.find("wisp.vmm.resident").gauges()).isEmpty();
    }

    private double gauge(String name) {
        return registry.get(name)
                .tag("instance", "web-1")
                .tag("service", "web")
                .gauge()
                .value();
    }
}
