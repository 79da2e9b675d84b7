package dev.wisp.runtime;

import dev.wisp.runtime.net.NetSlot;
import dev.wisp.runtime.net.Networking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * VMM processes started ahead of need through {@link Vmm#startIncoming}, waiting for a state to load
 * (QEMU: {@code -incoming defer}).
 * A restore or clone that finds one skips process start, control-socket connect, capability
 * negotiation and the load's setup ({@link VmHandle#prepareLoad}: migration capabilities, the
 * incoming socket listening), about 30 ms under TCG, which is most of what Wisp would otherwise
 * add to raw QEMU. An idle pooled VMM has touched no guest RAM: about 15 MB of its own and no CPU.
 *
 * <p>Processes are pooled per {@link Shape} (the spec and where RAM comes from), for shapes that
 * were asked for at least once; the pool holds at most {@code capacity} idle processes in all
 * and drops the longest-idle one to make room.
 */
final class VmmPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VmmPool.class.getName());
    /**
     * How long the refill after a take waits before it starts a VMM: a process start takes a core
     * of a small host for tens of milliseconds, and right after a take that core belongs to the
     * restore that took the VMM and to its guest's first answers.
     */
    static final long REFILL_DELAY_MILLIS = 500;

    /**
     * What a pooled VMM was started for; only a restore of the same shape can use it. The app's
     * environment plays no part (it lives in the snapshot's memory), so it is left out. The tenant
     * is part of it: a jailed pooled VMM sits in its tenant's cgroup from its start.
     */
    record Shape(VmSpec spec, GuestMemory memory) {
        Shape {
            spec = new VmSpec(
                    spec.boot().withEnv(java.util.Map.of()),
                    spec.vcpus(),
                    spec.memoryMib(),
                    spec.guestPort(),
                    spec.readyTimeout(),
                    spec.tenant());
        }
    }

    /** A started VMM with its console, network and directory, handed over whole to an instance. */
    record Pooled(VmHandle handle, Console console, NetSlot net, Path directory) {}

    private final Vmm vmm;
    private final Networking network;
    private final Path runDirectory;
    private final int capacity;
    private final AtomicInteger names = new AtomicInteger();
    private final LinkedHashMap<Shape, Deque<Pooled>> idle = new LinkedHashMap<>();
    private final Set<Shape> filling = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    VmmPool(Vmm vmm, Networking network, Path runDirectory, int capacity) {
        this.vmm = vmm;
        this.network = network;
        this.runDirectory = runDirectory;
        this.capacity = capacity;
    }

    /** A ready VMM of this shape, if one waits; either way one is started for next time. */
    Optional<Pooled> take(Shape shape) {
        if (capacity == 0 || !poolable(shape)) {
            return Optional.empty();
        }
        Pooled found = null;
        synchronized (idle) {
            Deque<Pooled> q = idle.get(shape);
            while (q != null && !q.isEmpty() && found == null) {
                Pooled p = q.pollFirst();
                if (p.handle().isAlive()) {
                    found = p;
                } else {
                    discard(p);
                }
            }
        }
        refill(shape, REFILL_DELAY_MILLIS);
        return Optional.ofNullable(found);
    }

    /**
     * A VMM waiting with a volume open would hold QEMU's write lock on it while another VM of
     * that volume runs (and a volume is one live guest's anyway): such shapes are never pooled.
     */
    private static boolean poolable(Shape shape) {
        return shape.spec().boot().volumes().isEmpty();
    }

    /** Number of VMMs waiting. */
    int idleCount() {
        synchronized (idle) {
            return idle.values().stream().mapToInt(Deque::size).sum();
        }
    }

    /** Whether no VMM is being started or waiting to be (tests: the pool holds still). */
    boolean settled() {
        return filling.isEmpty();
    }

    /** Starts one VMM of this shape in the background, unless one is already starting. */
    void refill(Shape shape) {
        refill(shape, 0);
    }

    private void refill(Shape shape, long delayMillis) {
        if (closed || capacity == 0 || !poolable(shape) || !filling.add(shape)) {
            return;
        }
        Thread.ofVirtual().name("vmm-pool-fill").start(() -> {
            try {
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                Pooled p = closed || backingGone(shape) ? null : start(shape);
                if (p != null) {
                    offer(shape, p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                filling.remove(shape);
            }
        });
    }

    private Pooled start(Shape shape) {
        String name = "pool-" + names.incrementAndGet();
        Path dir = runDirectory.resolve(name);
        NetSlot net = null;
        try {
            // The network (on TAP: a namespace of its own) belongs to the slot and is made before the VMM starts.
            net = network.acquire(name, shape.spec().guestPort());
            PrivateFiles.directory(dir);
            // No owner yet: the instance that takes it attaches its own listeners.
            Console console = new Console(m -> {}, (s, l) -> {});
            VmHandle handle = vmm.startIncoming(new Vmm.Launch(name, shape.spec(), dir, net, shape.memory(), console));
            try {
                handle.prepareLoad();
            } catch (IOException | RuntimeException e) {
                handle.kill();
                throw e;
            }
            return new Pooled(handle, console, net, dir);
        } catch (IOException | RuntimeException e) {
            // A start the pool's close cut short (its VMM killed before its control socket opened) is expected.
            LOG.log(
                    closed || backingGone(shape) ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                    "could not start a pooled VMM: " + e.getMessage());
            if (net != null) {
                net.release();
            }
            SnapshotStore.delete(dir);
            return null;
        }
    }

    /**
     * Whether the file this shape's RAM comes from is gone: its template was deleted (the service
     * went) after a take asked for a refill, so there is nothing to pool for it.
     */
    static boolean backingGone(Shape shape) {
        return switch (shape.memory()) {
            case GuestMemory.SharedFile f -> !Files.exists(f.file());
            case GuestMemory.PrivateFile f -> !Files.exists(f.file());
            case GuestMemory.Anonymous a -> false;
        };
    }

    private void offer(Shape shape, Pooled p) {
        synchronized (idle) {
            if (closed) {
                discard(p);
                return;
            }
            idle.computeIfAbsent(shape, s -> new ArrayDeque<>()).addLast(p);
            // Re-insert so the map's order is least recently filled first.
            idle.put(shape, idle.remove(shape));
            while (idleCountLocked() > capacity) {
                evictOldest();
            }
        }
    }

    private int idleCountLocked() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    private void evictOldest() {
        Iterator<Map.Entry<Shape, Deque<Pooled>>> it = idle.entrySet().iterator();
        while (it.hasNext()) {
            Deque<Pooled> q = it.next().getValue();
            if (!q.isEmpty()) {
                discard(q.pollFirst());
                if (q.isEmpty()) {
                    it.remove();
                }
                return;
            }
            it.remove();
        }
    }

    private void discard(Pooled p) {
        p.handle().kill();
        p.net().release();
        SnapshotStore.delete(p.directory());
    }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.values().forEach(q -> q.forEach(this::discard));
            idle.clear();
        }
    }
}
