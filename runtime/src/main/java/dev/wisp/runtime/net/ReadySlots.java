package dev.wisp.runtime.net;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TAP network's work off the request path (docs/networking.md): up to {@code capacity} slots
 * made ahead in the background, so a boot or restore takes a ready namespace instead of spawning
 * half a dozen {@code ip} and {@code nft} processes first; and released slots taken down on a
 * thread of their own, so a stop does not wait for it. A released slot is never handed out again:
 * its namespace goes, and with it the namespace's conntrack and neighbour state, so nothing of one
 * VM (of one tenant) is seen by the next.
 */
final class ReadySlots {
    private static final System.Logger LOG = System.getLogger(ReadySlots.class.getName());
    /**
     * How long a refill after a take waits: making a slot takes a core of a small host for tens
     * of milliseconds, and right after a take that core belongs to the VM that took it.
     */
    static final long REFILL_DELAY_MILLIS = 500;

    /** Makes one slot and returns its number, or -1 when the network is closing. */
    @FunctionalInterface
    interface Maker {
        int make() throws IOException;
    }

    private final int capacity;
    private final Maker maker;
    private final Deque<Integer> ready = new ArrayDeque<>();
    private final AtomicBoolean filling = new AtomicBoolean();
    private final AtomicInteger removing = new AtomicInteger();
    private final ExecutorService remover = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("tap-slot-remover").factory());
    /** Counted down at close: a refill waiting out its delay stops at once. */
    private final CountDownLatch closing = new CountDownLatch(1);

    private volatile Thread filler;
    private volatile boolean closed;

    ReadySlots(int capacity, Maker maker) {
        if (capacity < 0 || capacity > NetworkConfig.MAX_READY_SLOTS) {
            throw new IllegalArgumentException("ready TAP networks must be 0 to " + NetworkConfig.MAX_READY_SLOTS);
        }
        this.capacity = capacity;
        this.maker = maker;
    }

    /** A ready slot's number, or -1 when none waits; either way the pool fills up again later. */
    int take() {
        Integer slot;
        synchronized (ready) {
            slot = ready.pollFirst();
        }
        fill(REFILL_DELAY_MILLIS);
        return slot == null ? -1 : slot;
    }

    /** Slots kept ready when the pool is full. */
    int capacity() {
        return capacity;
    }

    /** Slots waiting. */
    int size() {
        synchronized (ready) {
            return ready.size();
        }
    }

    /** Whether nothing is being made or removed. */
    boolean settled() {
        return !filling.get() && removing.get() == 0;
    }

    /** Makes slots in the background until {@code capacity} wait, after {@code delayMillis}. */
    void fill(long delayMillis) {
        if (closed || capacity == 0 || size() >= capacity || !filling.compareAndSet(false, true)) {
            return;
        }
        filler = Thread.ofVirtual().name("tap-slot-fill").start(() -> {
            try {
                if (delayMillis > 0 && closing.await(delayMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
                while (!closed && size() < capacity) {
                    int slot = maker.make();
                    if (slot < 0) {
                        return;
                    }
                    synchronized (ready) {
                        ready.addLast(slot);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not make a TAP network ahead: " + e.getMessage());
            } finally {
                filling.set(false);
            }
        });
    }

    /** Runs {@code removal} (a released slot's teardown) in the background, in order; inline once closed. */
    void remove(Runnable removal) {
        removing.incrementAndGet();
        Runnable counted = () -> {
            try {
                removal.run();
            } finally {
                removing.decrementAndGet();
            }
        };
        try {
            remover.execute(counted);
        } catch (RejectedExecutionException e) {
            counted.run(); // released after the close (a VMM that outlived it): at once, here
        }
    }

    /**
     * Stops making slots, waits for the fill under way and for every queued removal, and returns
     * the ready slots' numbers for the caller to remove (the network is closing: {@link Maker}
     * makes no more).
     */
    Deque<Integer> close() {
        closed = true;
        closing.countDown();
        // Not interrupted: a slot half made must still be taken down by its maker.
        Thread f = filler;
        if (f != null) {
            join(f);
        }
        // Waits for every queued removal (each bounded by its commands' own timeout).
        remover.close();
        synchronized (ready) {
            Deque<Integer> left = new ArrayDeque<>(ready);
            ready.clear();
            return left;
        }
    }

    private static void join(Thread t) {
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
