package dev.wisp.router;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;

/**
 * One request/response exchange, from the request head to the response end, and the state
 * machine that moves it: route, wait in the buffer, connect (or reuse a pooled connection),
 * stream both ways, retry, answer locally, or switch to a raw tunnel after {@code 101}.
 *
 * <p>Every method runs on the client connection's event loop, and so does the upstream
 * connection (it is created on, or borrowed from, the same loop): no field needs a lock.
 * Grants from the wait buffer arrive through {@link EventLoop#execute}. Its parts: the request's
 * body on its way upstream (and the copy kept for a retry) is its {@link RequestBody}; what goes
 * back to the client, relayed or local, is its {@link Reply}; the endpoint slot it holds, waits
 * for and tries again is its {@link Admission}; each try at an endpoint is an {@link Attempt},
 * whose failure its {@link Failover} handles; the router's own answers are {@link LocalAnswer}s.
 *
 * <pre>
 *   start ─┬─ unknown / buffer full / bad request ─────────▶ LOCAL ─▶ DONE
 *          ├─ no capacity ─▶ QUEUED ─┬─ granted ─▶ CONNECTING
 *          │                         └─ timed out ─▶ LOCAL (503)
 *          └─ endpoint ──────────────▶ CONNECTING ─▶ PROXYING ─┬─ response end ─▶ DONE
 *                                                              └─ 101 ─▶ TUNNEL ─▶ DONE
 *   CONNECTING ── no connection (any method) ────┬─▶ CONNECTING to another endpoint with room,
 *   PROXYING ── broke before any response byte ──┘   else REQUEUED (like QUEUED, its grant is a
 *               (idempotent only: others get 502)    retry), kept from the failed endpoint for a
 *                                                    while (its replacement is on its way)
 *   3 attempts at most per request, then 502; a full buffer is a 502, a queue timeout a 503.
 * </pre>
 */
final class Exchange {
    enum State {
        LOCAL,
        QUEUED,
        REQUEUED,
        CONNECTING,
        PROXYING,
        TUNNEL,
        DONE
    }

    // Package-private for this exchange's Attempt and Failover, which work on its behalf.
    final RouterRuntime rt;
    final FrontendHandler front;
    final Channel client;
    final EventLoop loop;
    final HttpRequest request;
    final RequestBody body = new RequestBody();
    final Reply reply;
    final boolean idempotent;
    final boolean upgrade;
    private final long startNanos = System.nanoTime();
    private final CharSequence requestId;
    private final Failover failover = new Failover(this);

    State state = State.LOCAL;
    /** Null until the request is routed to a service. */
    Admission admission;
    /** The current try at an endpoint (CONNECTING, PROXYING), or the last one. */
    private Attempt attempt;
    /**
     * When a request that waited was granted, sent and answered ({@link WaitedRequest}); 0 for
     * one that never waited, which records nothing (the steady path reads no extra clock).
     */
    long grantedNanos;

    long sentNanos;
    long firstByteNanos;
    /** The endpoint a local answer (a 504) is about: counted against its instance, not "none". */
    EndpointState blamed;

    Exchange(RouterRuntime rt, FrontendHandler front, Channel client, HttpRequest request) {
        this.rt = rt;
        this.front = front;
        this.client = client;
        this.loop = client.eventLoop();
        this.request = request;
        this.idempotent = Forwarding.idempotent(request.method());
        this.upgrade = request.decoderResult().isSuccess() && Forwarding.isUpgrade(request);
        this.requestId = Forwarding.requestId(request);
        this.reply = new Reply(rt, client, request, upgrade, requestId);
    }

    // ---------------------------------------------------------------- client side

    void start() {
        rt.activeExchanges.incrementAndGet();
        DecoderResult dr = request.decoderResult();
        if (dr.isFailure()) {
            // After a decoding failure the codec discards the rest of the connection's input.
            body.receivedAll();
            reply.closeClient();
            respond(LocalAnswer.badRequest(dr.cause()));
            return;
        }
        RequestTarget target = RequestTarget.of(request);
        ServiceState service = rt.route(target, request);
        if (service == null) {
            respond(LocalAnswer.unknownService(target));
            return;
        }
        admission = new Admission(service, this, loop);
        Forwarding.toUpstream(
                request, front.clientIp(), target.host(), requestId, upgrade, rt.config.trustForwardedHeaders());
        if (idempotent && !upgrade) {
            body.keepForReplay();
        }
        EndpointState ep = admission.admit(startNanos);
        if (ep != null) {
            connect(ep);
            return;
        }
        if (admission.refused()) {
            if (admission.unavailable() != null) {
                respond(LocalAnswer.unavailable(admission.unavailable(), rt.retryAfterSeconds()));
                return;
            }
            respond(LocalAnswer.queueFull(service, rt.retryAfterSeconds()));
            return;
        }
        state = State.QUEUED;
    }

    /** A piece of this exchange's request body (the frontend routes only our own content here). */
    void onClientContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (last) {
            body.receivedAll();
        }
        switch (state) {
            case LOCAL -> {
                boolean tooMuch = body.discard(c);
                if (last) {
                    sendLocal();
                } else if (tooMuch) {
                    reply.closeClient();
                    sendLocal();
                }
            }
            case QUEUED, REQUEUED, CONNECTING -> {
                body.hold(c);
                if (body.overLimit() || last) {
                    front.updateRead();
                }
            }
            case PROXYING -> {
                attempt.write(c);
                if (!attempt.writable() || last) {
                    front.updateRead();
                }
            }
            default -> c.release();
        }
    }

    /** The client has sent the whole request: what it reads next is the next request. */
    boolean requestComplete() {
        return body.complete();
    }

    /** Whether the client connection must stop reading for now (backpressure). */
    boolean clientReadBlocked() {
        if (upgrade && body.complete() && state != State.LOCAL) {
            // Nothing may be read between an upgrade request and its answer: the bytes that follow
            // a 101 belong to the new protocol, not to HTTP.
            return true;
        }
        return switch (state) {
            case QUEUED, REQUEUED, CONNECTING -> body.overLimit();
            case PROXYING -> !body.complete() && !attempt.writable();
            default -> false;
        };
    }

    boolean isLocal() {
        return state == State.LOCAL;
    }

    void flushUpstream() {
        if (state == State.PROXYING) {
            attempt.flush();
        }
    }

    void clientWritabilityChanged() {
        if (state == State.PROXYING) {
            attempt.clientWritable(client.isWritable());
        }
    }

    /** The client went away: give everything back. */
    void clientClosed() {
        switch (state) {
            case QUEUED, REQUEUED -> admission.cancelWait(); // if granted meanwhile, granted() releases
            case PROXYING -> attempt.abandon();
            default -> {}
        }
        releaseLease();
        if (state == State.DONE || state == State.TUNNEL) {
            return;
        }
        reply.clientLeft();
        finish(true);
    }

    // ---------------------------------------------------------------- buffer

    /** A slot was granted by the wait buffer (on our loop, via execute). */
    void granted(EndpointState ep) {
        if (!waiting()) {
            admission.giveBack(ep);
            return;
        }
        grantedNanos = System.nanoTime();
        admission.granted(state == State.REQUEUED);
        connect(ep);
    }

    /**
     * A waiting request's service cannot start an instance (the platform says why): 503 now, not
     * at the queue timeout. On our loop; the buffer already gave the waiter up.
     */
    void unavailable(String why) {
        if (!waiting()) {
            return;
        }
        admission.refusedWhileWaiting();
        respond(LocalAnswer.unavailable(why, rt.retryAfterSeconds()));
    }

    /** The wait buffer's timeout (armed by the admission). */
    void queueTimedOut() {
        if (!waiting() || !admission.timedOut()) {
            return; // granted concurrently: the grant is already on its way to granted()
        }
        respond(LocalAnswer.queueTimeout(admission.service, rt.retryAfterSeconds()));
    }

    private boolean waiting() {
        return state == State.QUEUED || state == State.REQUEUED;
    }

    // ---------------------------------------------------------------- upstream side

    void connect(EndpointState ep) {
        admission.attempt(ep);
        state = State.CONNECTING;
        attempt = new Attempt(this, ep);
        attempt.start();
    }

    /** Whether {@code a} is the try still waiting for its connection. */
    boolean connecting(Attempt a) {
        return state == State.CONNECTING && attempt == a;
    }

    /** The current try has its connection: the request is going out. */
    void proxying() {
        state = State.PROXYING;
    }

    // The current try failed (its connection is closed already): the failover decides what next.
    void connectFailed(Attempt a, Throwable cause) {
        failover.connectFailed(a, cause);
    }

    void upstreamFailed(Attempt a, Throwable cause) {
        failover.upstreamFailed(a, cause);
    }

    void upstreamIdle(Attempt a, Duration timeout) {
        failover.upstreamIdle(a, timeout);
    }

    /** The response went to the client whole; the try's connection is parked or closed. */
    void responseEnded() {
        if (grantedNanos != 0) {
            admission.service.waited(
                    new WaitedRequest(startNanos, grantedNanos, sentNanos, firstByteNanos, System.nanoTime()));
        }
        releaseLease();
        record(); // before the flush: once the client has the response, the metrics show it
        front.flusher.flushLater(client);
        finish(reply.closesClient(body.complete()));
    }

    /** A 101 went to the client: from its end on, both connections are one byte tunnel. */
    void switchToTunnel(Channel up) {
        state = State.TUNNEL;
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT); // completes the 101 in the encoder
        record();
        TunnelHandler.splice(client, up, front, this::tunnelClosed);
    }

    private void tunnelClosed() {
        if (state == State.TUNNEL) {
            state = State.DONE;
            releaseLease();
            rt.activeExchanges.decrementAndGet();
        }
    }

    // ---------------------------------------------------------------- local answers

    void respond(LocalAnswer answer) {
        state = State.LOCAL;
        if (admission != null) {
            admission.stopTimer();
        }
        body.release();
        reply.prepareLocal(answer.status(), answer.error(), answer.message(), answer.retryAfter());
        if (body.complete()) {
            sendLocal();
        } else {
            front.updateRead(); // read (and drop) the rest of the body, then answer
        }
    }

    private void sendLocal() {
        boolean close = reply.closesClient(body.complete());
        record(); // before the write: once the client has the answer, the metrics show it
        reply.sendLocal(close);
        finish(close);
    }

    // ---------------------------------------------------------------- bookkeeping

    void finish(boolean close) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        if (admission != null) {
            admission.stopTimer();
        }
        body.release();
        reply.dropLocal();
        record();
        rt.activeExchanges.decrementAndGet();
        front.exchangeDone(this, close);
    }

    /** Counts the outcome once, where it belongs: the endpoint, the service, or no service. */
    private void record() {
        if (admission == null) {
            reply.record(startNanos, rt.metrics.unknownService());
        } else if (reply.started() && attempt != null) {
            reply.record(startNanos, attempt.endpoint.meters.requests);
        } else if (blamed != null) {
            reply.record(startNanos, blamed.meters.requests);
        } else {
            reply.record(startNanos, admission.service.meters.local);
        }
    }

    void releaseLease() {
        if (admission != null) {
            admission.release();
        }
    }
}
