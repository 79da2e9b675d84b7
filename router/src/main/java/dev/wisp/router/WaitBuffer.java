package dev.wisp.router;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;

/**
 * One service's bounded FIFO wait buffer (the activator): requests that found no endpoint with
 * room wait here, in order, until a slot frees up, their queue timeout fires or their client
 * leaves. A request sent again after its upstream broke waits at the head, kept from the endpoint
 * that failed it for a while ({@link Waiter#avoid}). Part of a {@link ServiceState}: every method
 * runs under that service's lock; {@code queuedView} is a copy for lock-free readers.
 */
final class WaitBuffer {
    /** A waiter that was given a slot on an endpoint, to be handed to its event loop. */
    record Grant(Waiter waiter, EndpointState endpoint) {}

    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    /** Waiters that avoid an endpoint (retries): while there are any, dispatch looks past them. */
    private int avoiders;

    volatile int queuedView;

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Every waiter avoids an endpoint and was offered every slot it could take: the rest is free. */
    boolean onlyAvoiders() {
        return queue.size() == avoiders;
    }

    /** Queues a new request behind those waiting. */
    void addLast(Waiter w, long now) {
        w.enqueuedNanos = now;
        queue.addLast(w);
        queuedView = queue.size();
    }

    /** Queues a request sent again ahead of those waiting (it came before them). */
    void addFirst(Waiter w, long now) {
        w.enqueuedNanos = now;
        queue.addFirst(w);
        if (w.avoid != null) {
            avoiders++;
        }
        queuedView = queue.size();
    }

    /** Takes every waiter out (the service cannot start an instance: they are answered now). */
    ArrayList<Waiter> drain() {
        ArrayList<Waiter> all = new ArrayList<>(queue);
        queue.clear();
        avoiders = 0;
        queuedView = 0;
        return all;
    }

    /** Takes out a waiter that timed out or whose client left. */
    void remove(Waiter w) {
        if (queue.remove(w) && w.avoid != null) {
            avoiders--;
        }
        queuedView = queue.size();
    }

    /**
     * Grants free slots to waiters in FIFO order; returns (waiter, endpoint) pairs to hand off, or
     * null. A retry that may not have the only free endpoint lets the waiters behind it take it.
     */
    ArrayList<Grant> dispatch(Balancer balancer, long now) {
        ArrayList<Grant> grants = null;
        Iterator<Waiter> it = queue.iterator();
        while (it.hasNext()) {
            Waiter w = it.next();
            EndpointState ep = balancer.pick(w.avoiding(now), now);
            if (ep == null) {
                if (avoiders == 0) {
                    break; // nobody behind can take anything either
                }
                continue;
            }
            it.remove();
            if (w.avoid != null) {
                avoiders--;
            }
            if (!w.tryGrant()) {
                continue;
            }
            balancer.take(ep);
            if (grants == null) {
                grants = new ArrayList<>();
            }
            grants.add(new Grant(w, ep));
        }
        queuedView = queue.size();
        return grants;
    }
}
