package dev.wisp.router;

import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request parked in a service's wait buffer. Exactly one of grant, timeout and cancel wins,
 * decided by a CAS on the state, because they race across threads: grants come from whichever
 * thread freed capacity or announced endpoints, timeouts and hang-ups from the request's event
 * loop.
 */
final class Waiter extends AtomicInteger {
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int ABANDONED = 2;

    final Exchange exchange;
    final EventLoop loop;
    long enqueuedNanos;
    /**
     * For a request sent again after its upstream broke: the endpoint it failed on, not granted to
     * it again before {@link #avoidUntilNanos}. Set before queueing, then read under the lock.
     */
    EndpointState avoid;

    long avoidUntilNanos;
    /** Why the waiter was refused at once: the service cannot start an instance (else null). */
    String unavailable;

    Waiter(Exchange exchange, EventLoop loop) {
        this.exchange = exchange;
        this.loop = loop;
    }

    /** The endpoint this waiter must not be given now, or null. */
    EndpointState avoiding(long now) {
        return avoid != null && now - avoidUntilNanos < 0 ? avoid : null;
    }

    boolean tryGrant() {
        return compareAndSet(WAITING, GRANTED);
    }

    boolean tryAbandon() {
        return compareAndSet(WAITING, ABANDONED);
    }
}
