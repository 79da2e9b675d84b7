package dev.wisp.node;

import dev.wisp.common.ProcMeminfo;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's memory ledger: every VM that holds memory (running, paused, being started, a
 * template being warmed) has an entry, taken before its VM starts and given back when it is
 * snapshotted or gone. One lock for the node, so two services cannot both take the last slot.
 */
final class Capacity {
    private final long hostMemoryMiB;
    private final int hostVcpus;
    private final long reserveMiB;
    private final double overcommit;
    private final long limitMiB;
    private final Map<String, VmSpec> held = new HashMap<>();
    private final AtomicLong refusals = new AtomicLong();
    private long memoryMiB;
    private int vcpus;

    Capacity(CapacityConfig config) {
        this.hostMemoryMiB = config.memoryMiB() > 0 ? config.memoryMiB() : hostMemoryMiB(ProcMeminfo.HOST);
        this.hostVcpus =
                config.vcpus() > 0 ? config.vcpus() : Runtime.getRuntime().availableProcessors();
        this.reserveMiB = config.reserveMiB();
        this.overcommit = config.memoryOvercommit();
        this.limitMiB = limit(hostMemoryMiB, reserveMiB, overcommit);
    }

    /** Guest memory the node admits: what is left after the reserve, times the overcommit ratio. */
    static long limit(long hostMiB, long reserveMiB, double overcommit) {
        return (long) Math.floor(Math.max(0, hostMiB - reserveMiB) * overcommit);
    }

    /** Whether {@code count} VMs of {@code eachMiB} fit beside {@code allocatedMiB} under {@code limitMiB}. */
    static boolean fits(long allocatedMiB, long eachMiB, int count, long limitMiB) {
        return allocatedMiB + eachMiB * count <= limitMiB;
    }

    /** {@code MemTotal} of a meminfo file, in MiB. */
    static long hostMemoryMiB(Path meminfo) {
        try {
            return parseMemTotalMiB(Files.readString(meminfo));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read host memory from " + meminfo
                    + ": set the node's capacity explicitly (" + e.getMessage() + ")");
        }
    }

    static long parseMemTotalMiB(String meminfo) {
        return ProcMeminfo.fieldMiB(meminfo, "MemTotal")
                .orElseThrow(() -> new IllegalStateException("no MemTotal line in meminfo"));
    }

    /**
     * Takes memory for {@code id}'s VM; false (and a refusal counted) if it does not fit. An id
     * that already holds memory (a paused instance resuming) is admitted again at no cost.
     */
    synchronized boolean admit(String id, VmSpec vm) {
        if (held.containsKey(id)) {
            return true;
        }
        if (!fits(memoryMiB, vm.memoryMib(), 1, limitMiB)) {
            refusals.incrementAndGet();
            return false;
        }
        held.put(id, vm);
        memoryMiB += vm.memoryMib();
        vcpus += vm.vcpus();
        return true;
    }

    /** Gives back what {@code id} held (no-op if nothing). */
    synchronized void release(String id) {
        VmSpec vm = held.remove(id);
        if (vm != null) {
            memoryMiB -= vm.memoryMib();
            vcpus -= vm.vcpus();
        }
    }

    /**
     * Fails unless {@code instances} VMs of {@code vm}'s size fit now and one fits at all. Not a
     * reservation: each start is admitted on its own.
     */
    synchronized void checkDeploy(String service, VmSpec vm, int instances) {
        if (vm.memoryMib() > limitMiB) {
            throw new CapacityException(String.format(
                    Locale.ROOT,
                    "service '%s' cannot run on this node: one instance needs %d MiB but the node admits %d MiB"
                            + " of guest memory in all (%s)",
                    service,
                    vm.memoryMib(),
                    limitMiB,
                    sizes()));
        }
        if (!fits(memoryMiB, vm.memoryMib(), instances, limitMiB)) {
            throw new CapacityException(String.format(
                    Locale.ROOT,
                    "service '%s' does not fit: %d instance(s) x %d MiB = %d MiB needed, %d MiB free"
                            + " (%d of %d MiB allocated; %s)",
                    service,
                    instances,
                    vm.memoryMib(),
                    (long) instances * vm.memoryMib(),
                    Math.max(0, limitMiB - memoryMiB),
                    memoryMiB,
                    limitMiB,
                    sizes()));
        }
    }

    private String sizes() {
        return String.format(
                Locale.ROOT, "host %d MiB - reserve %d MiB, overcommit %.1f", hostMemoryMiB, reserveMiB, overcommit);
    }

    synchronized NodeCapacity snapshot(int running, int paused, int snapshotted) {
        return new NodeCapacity(
                hostVcpus, hostMemoryMiB, vcpus, memoryMiB, running, paused, snapshotted, limitMiB, refusals.get());
    }

    synchronized long allocatedMemoryMiB() {
        return memoryMiB;
    }

    long limitMiB() {
        return limitMiB;
    }

    long refusals() {
        return refusals.get();
    }
}
