package dev.wisp.router;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The response side of one {@link Exchange}: writes the answer to the client connection, either
 * the upstream's (relayed message by message from the upstream's {@link BackendHandler}) or the
 * router's own JSON, and keeps what the exchange needs to know about it: how far it got, its
 * status, and whether the client connection closes after it. Runs on the client connection's
 * event loop with its exchange.
 */
final class Reply {
    /** How far the upstream's answer has reached the client. */
    enum Phase {
        /** Nothing went to the client: the request may still be sent again. */
        NONE,
        /** A 1xx (e.g. 100 Continue) is going to the client; the final response follows it. */
        INTERIM,
        /** A 1xx went to the client: the request is never sent again. */
        AFTER_INTERIM,
        /** The final response's head went to the client; its body follows. */
        FINAL,
        /** A 101 went to the client: at its end both connections become a tunnel. */
        SWITCHING
    }

    /** What the exchange does after a relayed message. */
    enum Next {
        MORE,
        ENDED,
        TUNNEL
    }

    private final RouterRuntime rt;
    private final Channel client;
    private final HttpVersion clientVersion;
    private final boolean clientKeepAlive;
    private final boolean head;
    private final boolean upgrade;
    private final CharSequence requestId;

    private Phase phase = Phase.NONE;
    private int status;
    private boolean upstreamKeepAlive;
    /** The client connection closes after this exchange, whatever the request asked for. */
    private boolean closeClient;
    /** The router's own answer, made before the client finished sending its request. */
    private FullHttpResponse local;

    private boolean recorded;

    Reply(RouterRuntime rt, Channel client, HttpRequest request, boolean upgrade, CharSequence requestId) {
        this.rt = rt;
        this.client = client;
        this.clientVersion = request.protocolVersion();
        this.clientKeepAlive = Forwarding.isKeepAlive(request);
        this.head = request.method() == HttpMethod.HEAD;
        this.upgrade = upgrade;
        this.requestId = requestId;
    }

    /** The final response (or a 101) started: it came from the upstream, and it is the outcome. */
    boolean started() {
        return phase == Phase.FINAL || phase == Phase.SWITCHING;
    }

    /** Some response bytes (even a 1xx) went to the client: the request is never sent again. */
    boolean clientWritten() {
        return phase != Phase.NONE;
    }

    int status() {
        return status;
    }

    /** The client left before any response: nginx's "client closed request". */
    void clientLeft() {
        if (!started()) {
            status = 499;
        }
    }

    boolean upstreamKeepAlive() {
        return upstreamKeepAlive;
    }

    /** The client connection is to close after this exchange (e.g. after a bad request). */
    void closeClient() {
        closeClient = true;
    }

    /** Whether the client connection closes after this exchange. */
    boolean closesClient(boolean requestComplete) {
        return closeClient || !clientKeepAlive || !requestComplete || rt.draining;
    }

    // ---------------------------------------------------------------- the upstream's answer

    /**
     * Writes one message of the upstream's response (decoded without failure) to the client, no
     * flush, and says what comes next. Stops reading {@code upstream} while the client cannot take
     * more (the client's writability change resumes it).
     */
    Next relay(Object msg, Channel upstream) {
        if (msg instanceof HttpResponse r) {
            forwardHead(r);
        }
        if (!(msg instanceof HttpContent c)) {
            return Next.MORE;
        }
        boolean last = c instanceof LastHttpContent;
        if (phase == Phase.SWITCHING) {
            c.release();
            return last ? Next.TUNNEL : Next.MORE;
        }
        client.write(c, client.voidPromise());
        if (!last) {
            if (!client.isWritable()) {
                upstream.config().setAutoRead(false);
            }
            return Next.MORE;
        }
        if (phase == Phase.INTERIM) {
            phase = Phase.AFTER_INTERIM; // the exchange goes on: the final response follows
            return Next.MORE;
        }
        return Next.ENDED;
    }

    private void forwardHead(HttpResponse r) {
        int code = r.status().code();
        if (code == 101 && upgrade) {
            phase = Phase.SWITCHING;
            status = 101;
            Forwarding.toClient(r, clientVersion, true, head, requestId);
        } else if (code < 200) {
            phase = Phase.INTERIM;
            Forwarding.toClient(r, clientVersion, true, head, requestId);
        } else {
            phase = Phase.FINAL;
            status = code;
            upstreamKeepAlive = Forwarding.isKeepAlive(r);
            if (Forwarding.toClient(r, clientVersion, clientKeepAlive && !rt.draining, head, requestId)) {
                closeClient = true;
            }
        }
        client.write(r, client.voidPromise());
    }

    // ---------------------------------------------------------------- the router's own answer

    /** Makes the router's own answer; {@link #sendLocal} writes it. Nothing went out before. */
    void prepareLocal(HttpResponseStatus st, String error, String message, long retryAfter) {
        dropLocal();
        local = Responses.json(client.alloc(), clientVersion, st, error, message, requestId, retryAfter);
        status = st.code();
    }

    /** Writes and flushes the answer made by {@link #prepareLocal}. */
    void sendLocal(boolean close) {
        FullHttpResponse res = local;
        local = null;
        if (close) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        client.writeAndFlush(res, client.voidPromise());
    }

    /** Releases an answer that was made but never sent (the client left). */
    void dropLocal() {
        if (local != null) {
            local.release();
            local = null;
        }
    }

    /** Counts the outcome in {@code meters}, once: later calls (on the way to the end) do nothing. */
    void record(long startNanos, RouterMetrics.RequestMeters meters) {
        if (recorded) {
            return;
        }
        recorded = true;
        meters.record(status, System.nanoTime() - startNanos);
    }
}
