package dev.wisp.router;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;

/**
 * Defers the flushes of one event loop to the end of its current batch of I/O events: the loop
 * runs its task queue only after handling every ready socket, so one task flushes every
 * connection that got data during the batch.
 *
 * <p>Why: on a busy loop each flush is a {@code writev} that wakes the peer (client or
 * upstream) if it sleeps, and a wake-up across CPUs is the most expensive part of a loopback
 * write. Written back to back at the end of the batch, the first write wakes the peer and the
 * others find it already awake, and the peer then picks up many connections in one poll. That
 * makes the whole machine do fewer wake-ups and polls per request; a request waits at most for
 * the rest of its batch (microseconds at the rates where batches get long). Same-thread only:
 * no locking, no allocation per flush.
 */
final class LoopFlusher implements Runnable {
    private final EventLoop loop;
    private Channel[] pending = new Channel[64];
    private int size;

    LoopFlusher(EventLoop loop) {
        this.loop = loop;
    }

    /** Flushes {@code ch} once the loop's current I/O batch is done. Loop thread only. */
    void flushLater(Channel ch) {
        if (size == 0) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException shuttingDown) {
                ch.flush(); // the loop takes no more tasks: nothing left to batch with
                return;
            }
        } else if (pending[size - 1] == ch) {
            return; // the common repeat: several writes to one connection in a row
        }
        if (size == pending.length) {
            pending = Arrays.copyOf(pending, size * 2);
        }
        pending[size++] = ch;
    }

    @Override
    public void run() {
        // A flush may queue more (size grows while we go): the loop picks those up too.
        for (int i = 0; i < size; i++) {
            Channel ch = pending[i];
            pending[i] = null;
            ch.flush();
        }
        size = 0;
    }
}
