package dev.wisp.router;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@link Exchange}'s side of its service's admission ({@link ServiceState}): the in-flight
 * slot it holds on an endpoint, its wait in the service's buffer (the activator) under the queue
 * timeout, and the retry bookkeeping: how many endpoints it tried, and where a request that must
 * go again goes next. Runs on the client connection's event loop with its exchange; a grant comes
 * from whichever thread freed a slot, through its {@link Waiter} and the loop's execute.
 */
final class Admission {
    /** Upstreams tried for one request (connects, or sends that broke) before a 502. */
    static final int MAX_ATTEMPTS = 3;
    /**
     * How long a request sent again keeps away from the endpoint that failed it when it has to
     * wait: long enough for the platform to take a dead instance out (milliseconds), short enough
     * that a healthy endpoint which dropped one connection serves the retry soon.
     */
    static final long AVOID_MILLIS = 1000;

    final ServiceState service;
    private final Exchange exchange;
    private final EventLoop loop;
    private Waiter waiter;
    private ScheduledFuture<?> timeout;
    /** The endpoint of the latest attempt: its meters count the response. */
    private EndpointState endpoint;
    /** The endpoint whose in-flight slot the exchange holds, or null. */
    private EndpointState lease;

    private int attempts;

    Admission(ServiceState service, Exchange exchange, EventLoop loop) {
        this.service = service;
        this.exchange = exchange;
        this.loop = loop;
    }

    /**
     * Asks for a slot for the first attempt: returns it (taken), or null when the exchange now
     * waits in the buffer (a grant or its timeout follows) or the buffer is full ({@link #refused}).
     *
     * @param now {@link System#nanoTime()} of the request's arrival
     */
    EndpointState admit(long now) {
        waiter = new Waiter(exchange, loop);
        EndpointState ep = service.acquire(waiter, now);
        if (ep == null && !refused()) {
            armTimeout();
        }
        return ep;
    }

    /** The buffer was full: the exchange never waited. */
    boolean refused() {
        return waiter.get() == Waiter.ABANDONED;
    }

    /** Why the request was refused at once, when the service cannot start an instance; else null. */
    String unavailable() {
        return waiter.unavailable;
    }

    /** The buffer gave the waiter up because the service cannot start an instance. */
    void refusedWhileWaiting() {
        stopTimer();
        recordWait();
    }

    /** The wait ended with a grant; {@code retry}: the grant sends the request again. */
    void granted(boolean retry) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        recordWait();
        if (retry) {
            service.meters.retries.increment();
        }
    }

    /** The queue timeout fired: false if a grant won the race (it is on its way to the loop). */
    boolean timedOut() {
        if (!service.cancel(waiter)) {
            return false;
        }
        recordWait();
        return true;
    }

    /** The client left while waiting: out of the buffer (a grant already made comes back). */
    void cancelWait() {
        service.cancel(waiter);
    }

    /** Stops the queue timeout: the exchange answers or ends otherwise. */
    void stopTimer() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    /** An attempt starts on {@code ep}, whose slot the exchange now holds. */
    void attempt(EndpointState ep) {
        endpoint = ep;
        lease = ep;
        attempts++;
    }

    int attempts() {
        return attempts;
    }

    /** Gives the slot back (once): the attempt is over. */
    void release() {
        if (lease != null) {
            service.release(lease);
            lease = null;
        }
    }

    /** A grant that came when the exchange no longer waited: the slot goes straight back. */
    void giveBack(EndpointState ep) {
        service.release(ep);
    }

    /** Whether the request may be sent once more. */
    boolean attemptsLeft() {
        return attempts < MAX_ATTEMPTS;
    }

    /**
     * For a request that must go again: a slot now on another endpoint with room; after a connect
     * timeout also on the same one (QEMU's user networking listens with a backlog of one, so a
     * burst of new connections to a busy VMM loses SYNs although the guest is healthy, and the next
     * try gets in). Null if none: then {@link #requeue}.
     */
    EndpointState retryNow(boolean sameEndpointToo) {
        EndpointState next = service.acquireNow(endpoint);
        if (next == null && sameEndpointToo) {
            next = service.acquireNow(null);
        }
        if (next != null) {
            service.meters.retries.increment();
        }
        return next;
    }

    /**
     * Waits in the buffer, at its head, kept from the failed endpoint for {@link #AVOID_MILLIS},
     * for a replacement (a dead VM's instance is replaced at the demand this signals) or other
     * capacity, within the buffer's timeout. False if the buffer is full.
     */
    boolean requeue() {
        long now = System.nanoTime();
        Waiter w = new Waiter(exchange, loop);
        w.avoid = endpoint;
        w.avoidUntilNanos = now + TimeUnit.MILLISECONDS.toNanos(AVOID_MILLIS);
        waiter = w;
        if (!service.requeue(w, now)) {
            return false;
        }
        armTimeout();
        ServiceState s = service;
        loop.schedule(s::redispatch, AVOID_MILLIS, TimeUnit.MILLISECONDS);
        return true;
    }

    private void armTimeout() {
        long ms = service.limits().queueTimeout().toMillis();
        timeout = loop.schedule(exchange::queueTimedOut, ms, TimeUnit.MILLISECONDS);
    }

    private void recordWait() {
        service.meters.queueWait.record(System.nanoTime() - waiter.enqueuedNanos, TimeUnit.NANOSECONDS);
    }
}
