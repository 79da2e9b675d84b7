package dev.wisp.router;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * The request side of one {@link Exchange}: the body chunks the client sent, on their way to an
 * upstream connection. Lives on the client connection's event loop with its exchange (the
 * {@link FrontendHandler} hands it the chunks), so nothing here is locked.
 *
 * <p>What it keeps, up to which limit, released when:
 *
 * <ul>
 *   <li><b>pending</b>: chunks that arrived before there was an upstream to write them to
 *       (queued, connecting, or put back for a retry). Past {@link #MAX_BUFFERED} the client is
 *       paused ({@link #overLimit()}), so this holds a little more than that at most. Written out
 *       when an upstream is attached, released when the exchange answers locally or ends.
 *   <li><b>replay</b>: a retained duplicate of every chunk written upstream, for an idempotent
 *       request that may be sent again if its upstream breaks before answering. At most
 *       {@link #MAX_REPLAY} bytes: a bigger body drops the copy, and the request can no longer
 *       go again. Dropped once a response starts (the request will never be resent), released
 *       when the exchange ends.
 *   <li><b>discarded</b>: bytes read and dropped after a local answer; past {@link #MAX_DISCARD}
 *       the connection is closed instead of read to the end.
 * </ul>
 */
final class RequestBody {
    /** Body bytes held while waiting for an endpoint before the client is paused. */
    static final int MAX_BUFFERED = 64 * 1024;
    /** Body bytes kept for replaying an idempotent request on another endpoint. */
    static final int MAX_REPLAY = 64 * 1024;
    /** Body bytes read and dropped before a locally answered request closes the connection. */
    static final int MAX_DISCARD = 64 * 1024;

    /** How much of the request went to the current upstream connection. */
    private enum Sent {
        NOTHING,
        HEAD,
        ALL
    }

    /** Created on first use: a GET has no body to hold. */
    private ArrayDeque<HttpContent> pending;

    private int pendingBytes;
    /** Null when the request may not be (or can no longer be) sent again. */
    private ArrayList<HttpContent> replay;

    private int replayBytes;
    private Sent sent = Sent.NOTHING;
    private boolean complete;
    private long discarded;

    /** Keeps a copy of what is written upstream from now on, for a retry. */
    void keepForReplay() {
        replay = new ArrayList<>(1);
    }

    /** The client has sent the whole request (its last content arrived, or it can send no more). */
    void receivedAll() {
        complete = true;
    }

    boolean complete() {
        return complete;
    }

    /** Holds a chunk until an upstream is attached. */
    void hold(HttpContent c) {
        pending().add(c);
        pendingBytes += c.content().readableBytes();
    }

    /** Whether the held chunks are past the limit: the client must stop sending for now. */
    boolean overLimit() {
        return pendingBytes > MAX_BUFFERED;
    }

    /** Drops a chunk of a locally answered request; true once too much was dropped to go on. */
    boolean discard(HttpContent c) {
        discarded += c.content().readableBytes();
        c.release();
        return discarded > MAX_DISCARD;
    }

    /** Writes the request head and every held chunk to a freshly attached upstream (no flush). */
    void sendTo(Channel upstream, HttpRequest head) {
        upstream.write(head, upstream.voidPromise());
        sent = Sent.HEAD;
        HttpContent c;
        while (pending != null && (c = pending.poll()) != null) {
            write(upstream, c);
        }
        pendingBytes = 0;
    }

    /** Writes one chunk upstream (no flush), keeping a copy for a retry while it fits. */
    void write(Channel upstream, HttpContent c) {
        if (replay != null) {
            int n = c.content().readableBytes();
            if (replayBytes + n > MAX_REPLAY) {
                dropReplay(); // too big to keep: this request can no longer be retried
            } else {
                replay.add(c.retainedDuplicate());
                replayBytes += n;
            }
        }
        if (c instanceof LastHttpContent) {
            sent = Sent.ALL;
        }
        upstream.write(c, upstream.voidPromise());
    }

    /** The whole request went upstream: the connection is in step for the next request. */
    boolean allSent() {
        return sent == Sent.ALL;
    }

    /** Everything sent upstream so far is kept (or nothing was sent): it can all go again. */
    boolean resendable() {
        return replay != null || sent == Sent.NOTHING;
    }

    /** Puts what was already sent back ahead of what the client has not sent yet. */
    void rewind() {
        if (replay != null && !replay.isEmpty()) {
            for (int i = replay.size() - 1; i >= 0; i--) {
                pending().addFirst(replay.get(i));
            }
            pendingBytes += replayBytes;
            replay.clear();
            replayBytes = 0;
        }
        sent = Sent.NOTHING;
    }

    /** The request will not be sent again: its copy can go. */
    void dropReplay() {
        if (replay != null) {
            replay.forEach(HttpContent::release);
            replay = null;
            replayBytes = 0;
        }
    }

    /** Releases everything held: the body will not go upstream any more. */
    void release() {
        HttpContent c;
        while (pending != null && (c = pending.poll()) != null) {
            c.release();
        }
        pendingBytes = 0;
        dropReplay();
    }

    private ArrayDeque<HttpContent> pending() {
        if (pending == null) {
            pending = new ArrayDeque<>(2);
        }
        return pending;
    }
}
