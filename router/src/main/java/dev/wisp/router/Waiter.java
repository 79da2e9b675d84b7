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

  Waiter(Exchange exchange, EventLoop loop) {
    this.exchange = exchange;
    this.loop = loop;
  }

  boolean tryGrant() {
    return compareAndSet(WAITING, GRANTED);
  }

  boolean tryAbandon() {
    return compareAndSet(WAITING, ABANDONED);
  }
}
