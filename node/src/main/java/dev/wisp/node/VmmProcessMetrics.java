package dev.wisp.node;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.VmRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Per-instance cost of each VMM process, read from {@code /proc} when metrics are scraped (no
 * cost between scrapes; a scrape reads three small files per VMM, about 0.1 ms each):
 * <ul>
 *   <li>{@code wisp_vmm_cpu_seconds_total{service,instance}}: CPU time the VMM used;</li>
 *   <li>{@code wisp_vmm_resident_bytes{service,instance}}: its RSS;</li>
 *   <li>{@code wisp_vmm_pss_bytes{service,instance}}: its PSS (shared template pages divided).</li>
 * </ul>
 * A snapshotted instance has no process and no series; its series go when its process does.
 */
final class VmmProcessMetrics {
    private final VmRuntime runtime;
    private final MeterRegistry registry;
    private final UnaryOperator<String> serviceOf;
    private final Map<String, Tracked> tracked = new HashMap<>();

    /** The latest reading of one instance's process; meters read it. */
    private static final class Tracked {
        volatile VmmUsage usage;
        final List<Meter> meters = new ArrayList<>();
    }

    VmmProcessMetrics(VmRuntime runtime, MeterRegistry registry, UnaryOperator<String> serviceOf) {
        this.runtime = runtime;
        this.registry = registry;
        this.serviceOf = serviceOf;
    }

    /** Reads every live VMM; registers meters for new instances and removes those of gone ones. */
    synchronized void refresh() {
        Set<String> seen = new HashSet<>();
        for (Instance i : runtime.instances()) {
            long pid = i.vmmPid();
            if (pid <= 0) {
                continue;
            }
            VmmUsage u = VmmUsage.read(pid).orElse(null);
            if (u == null) {
                continue;
            }
            String key = i.id() + "/" + pid;
            seen.add(key);
            Tracked t = tracked.get(key);
            if (t == null) {
                t = register(i.id(), key);
            }
            t.usage = u;
        }
        tracked.entrySet().removeIf(e -> {
            if (seen.contains(e.getKey())) {
                return false;
            }
            e.getValue().meters.forEach(registry::remove);
            return true;
        });
    }

    private Tracked register(String instanceId, String key) {
        Tracked t = new Tracked();
        // A restored instance is a new process with the same id: its CPU counter starts again.
        tracked.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(instanceId + "/")) {
                e.getValue().meters.forEach(registry::remove);
                return true;
            }
            return false;
        });
        Tags tags = Tags.of("service", serviceOf.apply(instanceId), "instance", instanceId);
        t.meters.add(FunctionCounter.builder("wisp.vmm.cpu", t, x -> x.usage.cpuSeconds()).tags(tags)
                .baseUnit("seconds").description("CPU time used by the instance's VMM process").register(registry));
        t.meters.add(Gauge.builder("wisp.vmm.resident", t, x -> x.usage.rssBytes()).tags(tags).baseUnit("bytes")
                .description("Resident memory (RSS) of the instance's VMM process").register(registry));
        t.meters.add(Gauge.builder("wisp.vmm.pss", t, x -> x.usage.pssBytes()).tags(tags).baseUnit("bytes")
                .description("Proportional memory (PSS) of the instance's VMM process").register(registry));
        tracked.put(key, t);
        return t;
    }
}
