package dev.wisp.router;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request/response exchange, from the request head to the response end, and the state
 * machine that moves it: route, wait in the buffer, connect (or reuse a pooled connection),
 * stream both ways, retry, answer locally, or switch to a raw tunnel after {@code 101}.
 *
 * <p>Every method runs on the client connection's event loop, and so does the upstream
 * connection (it is created on, or borrowed from, the same loop): no field needs a lock.
 * Grants from the wait buffer arrive through {@link EventLoop#execute}.
 *
 * <pre>
 *   start ─┬─ unknown / buffer full / bad request ─────────▶ LOCAL ─▶ DONE
 *          ├─ no capacity ─▶ QUEUED ─┬─ granted ─▶ CONNECTING
 *          │                         └─ timed out ─▶ LOCAL (503)
 *          └─ endpoint ──────────────▶ CONNECTING ─▶ PROXYING ─┬─ response end ─▶ DONE
 *                                                              └─ 101 ─▶ TUNNEL ─▶ DONE
 *   CONNECTING ── no connection (any method) ────┬─▶ CONNECTING to another endpoint with room,
 *   PROXYING ── broke before any response byte ──┘   else QUEUED, kept from the failed endpoint
 *               (idempotent only: others get 502)    for a while (its replacement is on its way)
 *   3 attempts at most per request, then 502; a full buffer is a 502, a queue timeout a 503.
 * </pre>
 */
final class Exchange {
  /** Body bytes held while waiting for an endpoint before the client is paused. */
  static final int MAX_BUFFERED = 64 * 1024;
  /** Body bytes kept for replaying an idempotent request on another endpoint. */
  static final int MAX_REPLAY = 64 * 1024;
  /** Body bytes read and dropped before a locally answered request closes the connection. */
  static final int MAX_DISCARD = 64 * 1024;
  /** Upstreams tried for one request (connects, or sends that broke) before a 502. */
  static final int MAX_ATTEMPTS = 3;
  /**
   * How long a request sent again keeps away from the endpoint that failed it when it has to
   * wait: long enough for the platform to take a dead instance out (milliseconds), short enough
   * that a healthy endpoint which dropped one connection serves the retry soon.
   */
  static final long AVOID_MILLIS = 1000;

  enum State { LOCAL, QUEUED, CONNECTING, PROXYING, TUNNEL, DONE }

  private final RouterRuntime rt;
  private final FrontendHandler front;
  private final Channel client;
  private final EventLoop loop;
  private final HttpRequest request;
  private final HttpVersion clientVersion;
  private final boolean clientKeepAlive;
  private final boolean head;
  private final boolean idempotent;
  private final long startNanos = System.nanoTime();
  private final CharSequence requestId;

  State state = State.LOCAL;
  boolean requestComplete;
  private boolean upgrade;
  private ServiceState service;
  private EndpointState endpoint;
  private boolean leaseHeld;
  private Waiter waiter;
  private ScheduledFuture<?> timeout;
  private Channel upstream;
  private BackendHandler backend;

  /** Body waiting for an upstream; created on first use (a GET has no body to hold). */
  private ArrayDeque<HttpContent> pending;
  private int pendingBytes;
  private ArrayList<HttpContent> replay;
  private int replayBytes;
  private boolean requestSent;
  /** Some of the request went to an upstream: a retry then needs the replay copy. */
  private boolean headWritten;
  private boolean responseStarted;
  private boolean upstreamKeepAlive;
  private boolean interim;
  /** Some response bytes (even a 1xx) went to the client: the request is never sent again. */
  private boolean clientWritten;
  private boolean switching;
  private int attempts;
  /** Waiting in the buffer to be sent again: its grant counts as a retry. */
  private boolean requeued;
  private boolean closeClient;
  private boolean answeredByUpstream;
  private int status;
  private boolean recorded;
  private FullHttpResponse local;
  private long discarded;

  Exchange(RouterRuntime rt, FrontendHandler front, Channel client, HttpRequest request) {
    this.rt = rt;
    this.front = front;
    this.client = client;
    this.loop = client.eventLoop();
    this.request = request;
    this.clientVersion = request.protocolVersion();
    this.clientKeepAlive = Forwarding.isKeepAlive(request);
    this.head = request.method() == HttpMethod.HEAD;
    this.idempotent = Forwarding.idempotent(request.method());
    this.requestId = Forwarding.requestId(request);
  }

  // ---------------------------------------------------------------- client side

  void start() {
    rt.activeExchanges.incrementAndGet();
    DecoderResult dr = request.decoderResult();
    if (dr.isFailure()) {
      Throwable c = dr.cause();
      HttpResponseStatus st = c instanceof TooLongHttpLineException
          ? HttpResponseStatus.REQUEST_URI_TOO_LONG
          : c instanceof TooLongHttpHeaderException
              ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
              : HttpResponseStatus.BAD_REQUEST;
      // After a decoding failure the codec discards the rest of the connection's input.
      requestComplete = true;
      closeClient = true;
      respond(st, "bad_request", String.valueOf(c.getMessage()), -1);
      return;
    }
    String uri = request.uri();
    String host = request.headers().get(HttpHeaderNames.HOST);
    String path = uri;
    int scheme = uri.indexOf("://");
    if (!uri.startsWith("/") && scheme > 0) {
      // absolute-form (RFC 9112 section 3.2.2): its authority wins over the Host header
      int slash = uri.indexOf('/', scheme + 3);
      host = uri.substring(scheme + 3, slash < 0 ? uri.length() : slash);
      path = slash < 0 ? "/" : uri.substring(slash);
    }
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    String name = rt.resolver.resolve(host, path);
    ServiceBackend be = name == null ? null : rt.directory.lookup(name);
    if (be != null && !rt.gate.admit(name, request)) {
      be = null; // denied: the same 404 as an unknown service, so names do not leak
      name = null;
    }
    if (be == null) {
      if (name != null) {
        rt.forget(name);
      }
      respond(HttpResponseStatus.NOT_FOUND, "unknown_service",
          "no service for host '" + host + "' and path '" + path + "'", -1);
      return;
    }
    service = rt.service(name, be);
    upgrade = Forwarding.isUpgrade(request);
    Forwarding.toUpstream(request, front.clientIp(), host, requestId, upgrade,
        rt.config.trustForwardedHeaders());
    if (idempotent && !upgrade) {
      replay = new ArrayList<>(1);
    }
    waiter = new Waiter(this, loop);
    EndpointState ep = service.acquire(waiter, startNanos);
    if (ep != null) {
      connect(ep);
      return;
    }
    if (waiter.get() == Waiter.ABANDONED) {
      if (waiter.unavailable != null) {
        respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "service_unavailable", waiter.unavailable,
            rt.retryAfterSeconds());
        return;
      }
      respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "queue_full",
          "service '" + name + "' has no free endpoint and its wait buffer is full",
          rt.retryAfterSeconds());
      return;
    }
    state = State.QUEUED;
    long ms = service.limits().queueTimeout().toMillis();
    timeout = loop.schedule(this::queueTimedOut, ms, TimeUnit.MILLISECONDS);
  }

  /** A piece of this exchange's request body (the frontend routes only our own content here). */
  void onClientContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (last) {
      requestComplete = true;
    }
    switch (state) {
      case LOCAL -> {
        discarded += c.content().readableBytes();
        c.release();
        if (last) {
          sendLocal();
        } else if (discarded > MAX_DISCARD) {
          closeClient = true;
          sendLocal();
        }
      }
      case QUEUED, CONNECTING -> {
        pending().add(c);
        pendingBytes += c.content().readableBytes();
        if (pendingBytes > MAX_BUFFERED || last) {
          front.updateRead();
        }
      }
      case PROXYING -> {
        writeBody(c);
        if (!upstream.isWritable() || last) {
          front.updateRead();
        }
      }
      default -> c.release();
    }
  }

  /** Whether the client connection must stop reading for now (backpressure). */
  boolean clientReadBlocked() {
    if (upgrade && requestComplete && state != State.LOCAL) {
      // Nothing may be read between an upgrade request and its answer: the bytes that follow
      // a 101 belong to the new protocol, not to HTTP.
      return true;
    }
    return switch (state) {
      case QUEUED, CONNECTING -> pendingBytes > MAX_BUFFERED;
      case PROXYING -> !requestComplete && !upstream.isWritable();
      default -> false;
    };
  }

  boolean isLocal() {
    return state == State.LOCAL;
  }

  void flushUpstream() {
    if (state == State.PROXYING) {
      front.flusher.flushLater(upstream);
    }
  }

  void clientWritabilityChanged() {
    if (state == State.PROXYING) {
      upstream.config().setAutoRead(client.isWritable());
    }
  }

  /** The client went away: give everything back. */
  void clientClosed() {
    switch (state) {
      case QUEUED -> service.cancel(waiter); // if granted meanwhile, granted() releases
      case PROXYING -> {
        Channel ch = upstream;
        detachUpstream();
        ch.close();
      }
      default -> { }
    }
    releaseLease();
    if (state == State.DONE || state == State.TUNNEL) {
      return;
    }
    if (!responseStarted) {
      status = 499; // nginx's "client closed request"
    }
    finish(true);
  }

  // ---------------------------------------------------------------- buffer

  /** A slot was granted by the wait buffer (on our loop, via execute). */
  void granted(EndpointState ep) {
    if (state != State.QUEUED) {
      service.release(ep);
      return;
    }
    if (timeout != null) {
      timeout.cancel(false);
    }
    service.meters.queueWait.record(System.nanoTime() - waiter.enqueuedNanos, TimeUnit.NANOSECONDS);
    if (requeued) {
      requeued = false;
      service.meters.retries.increment();
    }
    connect(ep);
  }

  /**
   * A waiting request's service cannot start an instance (the platform says why): 503 now, not
   * at the queue timeout. On our loop; the buffer already gave the waiter up.
   */
  void unavailable(String why) {
    if (state != State.QUEUED) {
      return;
    }
    service.meters.queueWait.record(System.nanoTime() - waiter.enqueuedNanos, TimeUnit.NANOSECONDS);
    respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "service_unavailable", why, rt.retryAfterSeconds());
  }

  private void queueTimedOut() {
    if (state != State.QUEUED || !service.cancel(waiter)) {
      return; // granted concurrently: the grant is already on its way to granted()
    }
    service.meters.queueWait.record(System.nanoTime() - waiter.enqueuedNanos, TimeUnit.NANOSECONDS);
    respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "queue_timeout",
        "no endpoint of service '" + service.name + "' became available within "
            + service.limits().queueTimeout().toMillis() + " ms",
        rt.retryAfterSeconds());
  }

  // ---------------------------------------------------------------- upstream side

  private void connect(EndpointState ep) {
    endpoint = ep;
    leaseHeld = true;
    state = State.CONNECTING;
    attempts++;
    Channel pooled = rt.pool(loop).poll(ep.endpoint);
    if (pooled != null) {
      attach(pooled);
      return;
    }
    ChannelFuture f = rt.connect(loop, ep);
    f.addListener((ChannelFutureListener) fut -> connected(ep, fut));
  }

  private void connected(EndpointState ep, ChannelFuture fut) {
    if (state != State.CONNECTING || endpoint != ep) {
      if (fut.isSuccess()) {
        rt.park(loop, ep.endpoint, fut.channel()); // nobody waits for it any more: keep it warm
      }
      return;
    }
    if (fut.isSuccess()) {
      attach(fut.channel());
    } else {
      service.connectFailed(ep, fut.cause());
      releaseLease();
      // A connection that never opened carried none of the request: any method may go again.
      againOrFail(fut.cause() instanceof ConnectTimeoutException,
          "could not connect to " + ep.endpoint + " (attempt " + attempts + " of "
              + MAX_ATTEMPTS + "): " + fut.cause());
    }
  }

  /**
   * Sends the request again, at most {@link #MAX_ATTEMPTS} tries in all: to another endpoint
   * with room; after a connect timeout also to the same one (QEMU's user networking listens with
   * a backlog of one, so a burst of new connections to a busy VMM loses SYNs although the guest
   * is healthy, and the next try gets in); else it waits in the service's buffer, kept from the
   * failed endpoint for {@link #AVOID_MILLIS}, for a replacement (a dead VM's instance is
   * replaced at the demand this signals) or other capacity, within the buffer's depth and
   * timeout. The caller has checked that sending it again is safe.
   */
  private void againOrFail(boolean sameEndpointNow, String why) {
    if (attempts >= MAX_ATTEMPTS || !client.isActive()) {
      respond(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", why, -1);
      return;
    }
    EndpointState failed = endpoint;
    EndpointState next = service.acquireNow(failed);
    if (next == null && sameEndpointNow) {
      next = service.acquireNow(null);
    }
    rewind();
    if (next != null) {
      service.meters.retries.increment();
      connect(next);
      return;
    }
    long now = System.nanoTime();
    Waiter w = new Waiter(this, loop);
    w.avoid = failed;
    w.avoidUntilNanos = now + TimeUnit.MILLISECONDS.toNanos(AVOID_MILLIS);
    waiter = w;
    state = State.QUEUED; // a grant arrives through execute(), after this method
    requeued = true;
    if (!service.requeue(w, now)) {
      respond(HttpResponseStatus.BAD_GATEWAY, "bad_gateway",
          why + "; no other endpoint and the wait buffer is full", -1);
      return;
    }
    long ms = service.limits().queueTimeout().toMillis();
    timeout = loop.schedule(this::queueTimedOut, ms, TimeUnit.MILLISECONDS);
    ServiceState s = service;
    loop.schedule(s::redispatch, AVOID_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Puts what was already sent back ahead of what the client has not sent yet. */
  private void rewind() {
    if (replay != null && !replay.isEmpty()) {
      for (int i = replay.size() - 1; i >= 0; i--) {
        pending().addFirst(replay.get(i));
      }
      pendingBytes += replayBytes;
      replay.clear();
      replayBytes = 0;
    }
    requestSent = false;
    headWritten = false;
  }

  private void attach(Channel ch) {
    upstream = ch;
    backend = ch.pipeline().get(BackendHandler.class);
    backend.attach(this);
    state = State.PROXYING;
    ch.config().setAutoRead(client.isWritable());
    ch.write(request, ch.voidPromise());
    headWritten = true;
    HttpContent c;
    while (pending != null && (c = pending.poll()) != null) {
      writeBody(c);
    }
    pendingBytes = 0;
    if (!front.inRead) {
      front.flusher.flushLater(ch); // else the client's read-complete flushes the whole read
    }
    front.updateRead();
  }

  private void writeBody(HttpContent c) {
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
      requestSent = true;
    }
    upstream.write(c, upstream.voidPromise());
  }

  void onUpstreamMessage(Channel from, Object msg) {
    if (state != State.PROXYING || from != upstream) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse r) {
      if (r.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        upstreamFailed(from, r.decoderResult().cause());
        return;
      }
      int code = r.status().code();
      if (code == 101 && upgrade) {
        switching = true;
        responseStarted = true;
        answeredByUpstream = true;
        status = 101;
        dropReplay();
        Forwarding.toClient(r, clientVersion, true, head, requestId);
        client.write(r, client.voidPromise());
      } else if (code < 200) {
        interim = true; // e.g. 100 Continue: forwarded, the exchange goes on
        clientWritten = true;
        Forwarding.toClient(r, clientVersion, true, head, requestId);
        client.write(r, client.voidPromise());
      } else {
        responseStarted = true;
        answeredByUpstream = true;
        status = code;
        dropReplay();
        upstreamKeepAlive = Forwarding.isKeepAlive(r);
        if (Forwarding.toClient(r, clientVersion, clientKeepAlive && !rt.draining, head,
            requestId)) {
          closeClient = true;
        }
        client.write(r, client.voidPromise());
      }
    }
    if (msg instanceof HttpContent c) {
      boolean last = c instanceof LastHttpContent;
      if (switching) {
        c.release();
        if (last) {
          switchToTunnel();
        }
        return;
      }
      client.write(c, client.voidPromise());
      if (last) {
        if (interim) {
          interim = false;
        } else {
          complete();
        }
      } else if (!client.isWritable()) {
        upstream.config().setAutoRead(false);
      }
    }
  }

  void flushClient() {
    front.flusher.flushLater(client);
  }

  void upstreamWritabilityChanged(Channel from) {
    if (state == State.PROXYING && from == upstream) {
      front.updateRead();
    }
  }

  /** The upstream connection broke (reset, closed early, bad response) during this exchange. */
  void upstreamFailed(Channel from, Throwable cause) {
    if (state != State.PROXYING || from != upstream) {
      return;
    }
    detachUpstream();
    from.close();
    releaseLease();
    if (!responseStarted) {
      retryOrFail("upstream " + endpoint.endpoint + " failed: " + cause);
    } else {
      // Part of the response is already on its way: closing is the only honest signal left.
      closeClient = true;
      finish(true);
    }
  }

  /** The upstream said nothing for the idle timeout. */
  void upstreamIdle(Channel from) {
    if (state != State.PROXYING || from != upstream) {
      return;
    }
    detachUpstream();
    from.close();
    releaseLease();
    if (!responseStarted) {
      respond(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout",
          "upstream " + endpoint.endpoint + " did not answer within "
              + rt.config.upstreamIdleTimeout().toMillis() + " ms", -1);
    } else {
      closeClient = true;
      finish(true);
    }
  }

  /**
   * The upstream broke before any response byte reached the client. An idempotent request whose
   * bytes sent so far are all kept for replay may go again; any other request may have reached
   * the app (a POST twice is two orders), so it gets a 502.
   */
  private void retryOrFail(String why) {
    if (idempotent && !clientWritten && !upgrade && (replay != null || !headWritten)) {
      againOrFail(false, why);
    } else {
      respond(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", why, -1);
    }
  }

  private void complete() {
    Channel ch = upstream;
    boolean reusable = requestSent && upstreamKeepAlive && ch.isActive();
    detachUpstream();
    if (reusable) {
      rt.park(loop, endpoint.endpoint, ch);
    } else {
      ch.close();
    }
    releaseLease();
    record(); // before the flush: once the client has the response, the metrics show it
    front.flusher.flushLater(client);
    finish(closeClient || !clientKeepAlive || !requestComplete || rt.draining);
  }

  private void switchToTunnel() {
    state = State.TUNNEL;
    Channel up = upstream;
    detachUpstream();
    client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT); // completes the 101 in the encoder
    record();
    ChannelPipeline cp = client.pipeline();
    ChannelPipeline upp = up.pipeline();
    // Encoders go first: the decoders flush their leftover bytes on removal, and those bytes
    // must pass the other side as raw bytes, not hit an HTTP encoder.
    cp.get(HttpServerCodec.class).removeOutboundHandler();
    upp.get(HttpClientCodec.class).removeOutboundHandler();
    Runnable closed = this::tunnelClosed;
    upp.replace(BackendHandler.class, "tunnel", new TunnelHandler(client, closed));
    upp.remove(IdleTimer.class); // the client side's idle timer governs the tunnel
    cp.replace(FrontendHandler.class, "tunnel", new TunnelHandler(up, closed));
    front.releaseBacklog();
    upp.remove(HttpClientCodec.class);
    cp.remove(HttpServerCodec.class);
    up.config().setAutoRead(true);
    client.config().setAutoRead(true);
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
    answeredByUpstream = false;
    if (timeout != null) {
      timeout.cancel(false);
    }
    releaseBuffers();
    local = Responses.json(client.alloc(), clientVersion, st, error, message, requestId, retryAfter);
    if (requestComplete) {
      sendLocal();
    } else {
      front.updateRead(); // read (and drop) the rest of the body, then answer
    }
  }

  private void sendLocal() {
    FullHttpResponse res = local;
    local = null;
    boolean close = closeClient || !clientKeepAlive || !requestComplete || rt.draining;
    if (close) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    status = res.status().code();
    record();
    client.writeAndFlush(res, client.voidPromise());
    finish(close);
  }

  // ---------------------------------------------------------------- bookkeeping

  private void finish(boolean close) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    if (timeout != null) {
      timeout.cancel(false);
    }
    releaseBuffers();
    if (local != null) {
      local.release();
      local = null;
    }
    record();
    rt.activeExchanges.decrementAndGet();
    front.exchangeDone(this, close);
  }

  private void record() {
    if (recorded) {
      return;
    }
    recorded = true;
    long nanos = System.nanoTime() - startNanos;
    if (answeredByUpstream && endpoint != null) {
      endpoint.meters.requests.record(status, nanos);
    } else if (service != null) {
      service.meters.local.record(status, nanos);
    } else {
      rt.metrics.unknownService().record(status, nanos);
    }
  }

  private void releaseLease() {
    if (leaseHeld) {
      leaseHeld = false;
      service.release(endpoint);
    }
  }

  private void detachUpstream() {
    if (backend != null) {
      backend.detach();
      backend = null;
    }
    upstream = null;
  }

  private ArrayDeque<HttpContent> pending() {
    if (pending == null) {
      pending = new ArrayDeque<>(2);
    }
    return pending;
  }

  private void dropReplay() {
    if (replay != null) {
      replay.forEach(HttpContent::release);
      replay = null;
      replayBytes = 0;
    }
  }

  private void releaseBuffers() {
    HttpContent c;
    while (pending != null && (c = pending.poll()) != null) {
      c.release();
    }
    pendingBytes = 0;
    dropReplay();
  }
}
