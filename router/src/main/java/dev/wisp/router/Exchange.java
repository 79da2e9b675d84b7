package dev.wisp.router;

import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;

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
 * for and tries again is its {@link Admission}; each try at an endpoint is an {@link Attempt}.
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

    // Package-private for this exchange's Attempt, which works on its behalf.
    final RouterRuntime rt;
    final FrontendHandler front;
    final Channel client;
    final EventLoop loop;
    final HttpRequest request;
    final RequestBody body = new RequestBody();
    final Reply reply;
    private final boolean idempotent;
    private final boolean upgrade;
    private final long startNanos = System.nanoTime();
    private final CharSequence requestId;

    State state = State.LOCAL;
    /** Null until the request is routed to a service. */
    private Admission admission;
    /** The current try at an endpoint (CONNECTING, PROXYING), or the last one. */
    private Attempt attempt;

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
            respond(
                    Responses.forDecoderFailure(dr.cause()),
                    "bad_request",
                    String.valueOf(dr.cause().getMessage()),
                    -1);
            return;
        }
        RequestTarget target = RequestTarget.of(request);
        ServiceState service = rt.route(target, request);
        if (service == null) {
            respond(
                    HttpResponseStatus.NOT_FOUND,
                    "unknown_service",
                    "no service for host '" + target.host() + "' and path '" + target.path() + "'",
                    -1);
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
                respond(
                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "service_unavailable",
                        admission.unavailable(),
                        rt.retryAfterSeconds());
                return;
            }
            respond(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "queue_full",
                    "service '" + service.name + "' has no free endpoint and its wait buffer is full",
                    rt.retryAfterSeconds());
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
        respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "service_unavailable", why, rt.retryAfterSeconds());
    }

    /** The wait buffer's timeout (armed by the admission). */
    void queueTimedOut() {
        if (!waiting() || !admission.timedOut()) {
            return; // granted concurrently: the grant is already on its way to granted()
        }
        ServiceState s = admission.service;
        respond(
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "queue_timeout",
                "no endpoint of service '" + s.name + "' became available within "
                        + s.limits().queueTimeout().toMillis() + " ms",
                rt.retryAfterSeconds());
    }

    private boolean waiting() {
        return state == State.QUEUED || state == State.REQUEUED;
    }

    // ---------------------------------------------------------------- upstream side

    private void connect(EndpointState ep) {
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

    void connectFailed(Attempt a, Throwable cause) {
        admission.service.connectFailed(a.endpoint, cause);
        releaseLease();
        // A connection that never opened carried none of the request: any method may go again.
        againOrFail(
                cause instanceof ConnectTimeoutException,
                "could not connect to " + a.endpoint + " (attempt " + admission.attempts() + " of "
                        + Admission.MAX_ATTEMPTS + "): " + cause);
    }

    /**
     * Sends the request again, at most {@link Admission#MAX_ATTEMPTS} tries in all: now to an
     * endpoint with room, else after a wait in the service's buffer ({@link Admission#retryNow},
     * {@link Admission#requeue}). The caller has checked that sending it again is safe.
     */
    private void againOrFail(boolean sameEndpointToo, String why) {
        if (!admission.attemptsLeft() || !client.isActive()) {
            respond(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", why, -1);
            return;
        }
        EndpointState next = admission.retryNow(sameEndpointToo);
        body.rewind();
        if (next != null) {
            connect(next);
            return;
        }
        state = State.REQUEUED; // a grant arrives through execute(), after this method
        if (!admission.requeue()) {
            respond(
                    HttpResponseStatus.BAD_GATEWAY,
                    "bad_gateway",
                    why + "; no other endpoint and the wait buffer is full",
                    -1);
        }
    }

    /** The current try's connection broke; it is closed already. */
    void upstreamFailed(Attempt a, Throwable cause) {
        releaseLease();
        if (!reply.started()) {
            retryOrFail("upstream " + a.endpoint + " failed: " + cause);
        } else {
            // Part of the response is already on its way: closing is the only honest signal left.
            reply.closeClient();
            finish(true);
        }
    }

    /** The current try's upstream said nothing for the idle timeout; it is closed already. */
    void upstreamIdle(Attempt a) {
        releaseLease();
        if (!reply.started()) {
            respond(
                    HttpResponseStatus.GATEWAY_TIMEOUT,
                    "upstream_timeout",
                    "upstream " + a.endpoint + " did not answer within "
                            + rt.config.upstreamIdleTimeout().toMillis() + " ms",
                    -1);
        } else {
            reply.closeClient();
            finish(true);
        }
    }

    /**
     * The upstream broke before any response byte reached the client. An idempotent request whose
     * bytes sent so far are all kept for replay may go again; any other request may have reached
     * the app (a POST twice is two orders), so it gets a 502.
     */
    private void retryOrFail(String why) {
        if (idempotent && !reply.clientWritten() && !upgrade && body.resendable()) {
            againOrFail(false, why);
        } else {
            respond(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", why, -1);
        }
    }

    /** The response went to the client whole; the try's connection is parked or closed. */
    void responseEnded() {
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

    private void respond(HttpResponseStatus st, String error, String message, long retryAfter) {
        state = State.LOCAL;
        if (admission != null) {
            admission.stopTimer();
        }
        body.release();
        reply.prepareLocal(st, error, message, retryAfter);
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

    private void finish(boolean close) {
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
        } else {
            reply.record(startNanos, admission.service.meters.local);
        }
    }

    private void releaseLease() {
        if (admission != null) {
            admission.release();
        }
    }
}
