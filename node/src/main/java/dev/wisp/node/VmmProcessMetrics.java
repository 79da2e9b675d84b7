package dev.wisp.node;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.VmRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Per-instance cost of each VMM process, read from {@code /proc} when metrics are scraped (no
 * cost between scrapes):
 * <ul>
 *   <li>{@code wisp_vmm_cpu_seconds_total{service,instance}}: CPU time the VMM used;</li>
 *   <li>{@code wisp_vmm_resident_bytes{service,instance}}: its RSS;</li>
 *   <li>{@code wisp_vmm_pss_bytes{service,instance}}: its PSS (shared template pages divided),
 *       read at most every {@link #PSS_MAX_AGE}.</li>
 * </ul>
 * CPU and RSS come from {@code stat} and {@code status}, about 10 us each. PSS needs
 * {@code smaps_rollup}, a walk of the process's page tables: 0.2 ms on a quiet host and several
 * ms with the cores busy, which made one scrape of 240 running VMs take 1.1 s when it was read
 * every time. PSS moves slowly (it changes with the pages a guest writes and the sharers of its
 * template), so a reading a few seconds old serves.
 * A snapshotted instance has no process and no series; its series go when its process does.
 */
final class VmmProcessMetrics {
    /** How old a VMM's PSS reading may be before a scrape reads it again. */
    static final Duration PSS_MAX_AGE = Duration.ofSeconds(15);

    private final Processes processes;
    private final MeterRegistry registry;
    private final UnaryOperator<String> serviceOf;
    private final LongSupplier nanoClock;
    private final Map<String, Tracked> tracked = new HashMap<>();

    /** The VMM processes and how one is read: the runtime's and {@code /proc} outside unit tests. */
    interface Processes {
        /** Instance id to VMM process id, of the instances that have a process now. */
        Map<String, Long> pids();

        /** One process's usage, as {@link VmmUsage#read(long, boolean)}. */
        Optional<VmmUsage> read(long pid, boolean withPss);
    }

    /** The latest reading of one instance's process; meters read it. */
    private static final class Tracked {
        volatile VmmUsage usage;
        long pssReadNanos;
        final List<Meter> meters = new ArrayList<>();
    }

    /** Meters the VMMs of {@code runtime}'s instances, reading {@code /proc}. */
    VmmProcessMetrics(VmRuntime runtime, MeterRegistry registry, UnaryOperator<String> serviceOf) {
        this(
                new Processes() {
                    @Override
                    public Map<String, Long> pids() {
                        return vmmPids(runtime);
                    }

                    @Override
                    public Optional<VmmUsage> read(long pid, boolean withPss) {
                        return VmmUsage.read(pid, withPss);
                    }
                },
                registry,
                serviceOf,
                System::nanoTime);
    }

    /** @param serviceOf an instance id's service */
    VmmProcessMetrics(
            Processes processes, MeterRegistry registry, UnaryOperator<String> serviceOf, LongSupplier nanoClock) {
        this.processes = processes;
        this.registry = registry;
        this.serviceOf = serviceOf;
        this.nanoClock = nanoClock;
    }

    private static Map<String, Long> vmmPids(VmRuntime runtime) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (Instance i : runtime.instances()) {
            if (i.vmmPid() > 0) {
                pids.put(i.id(), i.vmmPid());
            }
        }
        return pids;
    }

    /** Reads every live VMM; registers meters for new instances and removes those of gone ones. */
    synchronized void refresh() {
        long now = nanoClock.getAsLong();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, Long> vmm : processes.pids().entrySet()) {
            String key = vmm.getKey() + "/" + vmm.getValue();
            Tracked t = tracked.get(key);
            boolean pssDue = t == null || now - t.pssReadNanos >= PSS_MAX_AGE.toNanos();
            VmmUsage u = processes.read(vmm.getValue(), pssDue).orElse(null);
            if (u == null) {
                continue;
            }
            seen.add(key);
            if (t == null) {
                t = register(vmm.getKey(), key);
            }
            if (pssDue) {
                t.pssReadNanos = now;
            } else {
                u = new VmmUsage(u.pid(), u.cpuSeconds(), u.rssBytes(), t.usage.pssBytes());
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
        t.meters.add(FunctionCounter.builder("wisp.vmm.cpu", t, x -> x.usage.cpuSeconds())
                .tags(tags)
                .baseUnit("seconds")
                .description("CPU time used by the instance's VMM process")
                .register(registry));
        t.meters.add(Gauge.builder("wisp.vmm.resident", t, x -> x.usage.rssBytes())
                .tags(tags)
                .baseUnit("bytes")
                .description("Resident memory (RSS) of the instance's VMM process")
                .register(registry));
        t.meters.add(Gauge.builder("wisp.vmm.pss", t, x -> x.usage.pssBytes())
                .tags(tags)
                .baseUnit("bytes")
                .description("Proportional memory (PSS) of the instance's VMM process")
                .register(registry));
        tracked.put(key, t);
        return t;
    }
}
