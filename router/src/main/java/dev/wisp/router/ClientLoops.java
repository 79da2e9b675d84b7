package dev.wisp.router;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Picks the event loop of each accepted client connection: the loop that accepted it (the
 * listener lives on one of the router's loops), unless another loop serves fewer client
 * connections. Why: a connection handed to another loop waits for that loop's thread to wake
 * before its request is read, and on a small, busy host a wake-up is the largest part of a
 * loopback request's cost (about 0.5-1 ms at load 10 on 2 cores). A lone request, like the one
 * that wakes a sleeping service, is then read by the thread that accepted it; many connections
 * still spread evenly over all loops, counted exactly (not by registrations, which lag).
 */
final class ClientLoops implements EventExecutorChooserFactory {
    private EventExecutor[] loops;
    private AtomicIntegerArray clients;
    private final Map<EventExecutor, Integer> index = new IdentityHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();

    @Override
    public synchronized EventExecutorChooser newChooser(EventExecutor[] executors) {
        if (loops != null) {
            throw new IllegalStateException("one event loop group per ClientLoops");
        }
        loops = executors.clone();
        clients = new AtomicIntegerArray(loops.length);
        for (int i = 0; i < loops.length; i++) {
            index.put(loops[i], i);
        }
        return this::next;
    }

    /**
     * On a loop of the group the caller is the acceptor registering a new client connection:
     * that loop, or the one with the fewest clients. Elsewhere (binding the listener): round robin.
     */
    private EventExecutor next() {
        int here = -1;
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                here = i;
                break;
            }
        }
        if (here < 0) {
            return loops[Math.floorMod(roundRobin.getAndIncrement(), loops.length)];
        }
        int best = here;
        for (int i = 0; i < loops.length; i++) {
            if (clients.get(i) < clients.get(best)) {
                best = i;
            }
        }
        clients.incrementAndGet(best);
        return loops[best];
    }

    /** Counts {@code client} off its loop once it closes; call once per accepted connection. */
    void track(Channel client) {
        Integer i = index.get(client.eventLoop());
        if (i != null) {
            client.closeFuture().addListener(f -> clients.decrementAndGet(i));
        }
    }

    /** Client connections open on each loop, in the group's order (for tests). */
    int[] counts() {
        int[] out = new int[clients.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = clients.get(i);
        }
        return out;
    }
}
