package dev.wisp.router;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One try of an {@link Exchange} at one endpoint: gets an upstream connection (from the loop's
 * {@link UpstreamPool}, or opened on the same loop), writes the request to it from the exchange's
 * {@link RequestBody}, relays the response through the exchange's {@link Reply}, and tells the
 * exchange how the try ended. Runs on the client connection's event loop.
 *
 * <p>While the connection serves the try, its {@link BackendHandler} reports to this attempt.
 * Once the try is over (answered, broken, given up) the connection is let go: parked for the next
 * request or closed, and its late news reach nobody. A retry is a new attempt.
 */
final class Attempt {
    final EndpointState endpoint;
    private final Exchange ex;
    /** Null until connected, and again once let go. */
    private Channel upstream;

    private BackendHandler backend;
    /** The service's response timeout, armed when the request goes out; null when off or answered. */
    private ScheduledFuture<?> responseTimer;

    Attempt(Exchange ex, EndpointState endpoint) {
        this.ex = ex;
        this.endpoint = endpoint;
    }

    /** Attaches a pooled connection at once, else opens one (its outcome arrives later). */
    void start() {
        UpstreamPool pool = ex.rt.pool(ex.loop);
        pool.busy(endpoint.endpoint, this);
        Channel pooled = pool.poll(endpoint.endpoint);
        if (pooled != null) {
            attach(pooled);
            return;
        }
        ChannelFuture f = ex.rt.connect(ex.loop, endpoint);
        f.addListener((ChannelFutureListener) this::connected);
    }

    private void connected(ChannelFuture fut) {
        if (!ex.connecting(this)) {
            ex.rt.pool(ex.loop).done(endpoint.endpoint, this);
            if (fut.isSuccess()) {
                ex.rt.park(ex.loop, endpoint.endpoint, fut.channel()); // nobody waits for it: keep it warm
            }
            return;
        }
        if (fut.isSuccess()) {
            attach(fut.channel());
        } else {
            ex.rt.pool(ex.loop).done(endpoint.endpoint, this);
            ex.connectFailed(this, fut.cause());
        }
    }

    private void attach(Channel ch) {
        upstream = ch;
        backend = ch.pipeline().get(BackendHandler.class);
        backend.attach(this);
        ex.proxying();
        ch.config().setAutoRead(ex.client.isWritable());
        ex.body.sendTo(ch, ex.request);
        armResponseTimer(ch);
        if (ex.grantedNanos != 0) {
            ex.sentNanos = System.nanoTime();
        }
        if (!ex.front.inRead) {
            ex.front.flusher.flushLater(ch); // else the client's read-complete flushes the whole read
        }
        ex.front.updateRead();
    }

    // ---------------------------------------------------------------- from the exchange

    /** Writes a piece of the request body (no flush). */
    void write(HttpContent c) {
        ex.body.write(upstream, c);
    }

    boolean writable() {
        return upstream.isWritable();
    }

    void flush() {
        ex.front.flusher.flushLater(upstream);
    }

    /** Reads the upstream only while the client can take what it sends. */
    void clientWritable(boolean writable) {
        upstream.config().setAutoRead(writable);
    }

    /** The exchange gives up on this try (its client left): the connection cannot be reused. */
    void abandon() {
        letGo().close();
    }

    // ---------------------------------------------------------------- from the BackendHandler

    void onUpstreamMessage(Channel from, Object msg) {
        if (from != upstream) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r && r.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            upstreamFailed(from, r.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpResponse) {
            cancelResponseTimer();
            if (ex.grantedNanos != 0 && ex.firstByteNanos == 0) {
                ex.firstByteNanos = System.nanoTime();
            }
        }
        Reply.Next next = ex.reply.relay(msg, upstream);
        if (ex.reply.started()) {
            ex.body.dropReplay(); // answered: the request is never sent again
        }
        switch (next) {
            case ENDED -> {
                boolean reusable = ex.body.allSent() && ex.reply.upstreamKeepAlive() && from.isActive();
                letGo();
                if (reusable) {
                    ex.rt.park(ex.loop, endpoint.endpoint, from);
                } else {
                    from.close();
                }
                ex.responseEnded();
            }
            case TUNNEL -> {
                Channel up = letGo();
                ex.rt.pool(ex.loop).tunnel(endpoint.endpoint, up);
                ex.switchToTunnel(up);
            }
            case MORE -> {}
        }
    }

    void flushClient() {
        ex.front.flusher.flushLater(ex.client);
    }

    void upstreamWritabilityChanged(Channel from) {
        if (from == upstream) {
            ex.front.updateRead();
        }
    }

    /** The upstream connection broke (reset, closed early, bad response) during this try. */
    void upstreamFailed(Channel from, Throwable cause) {
        if (from != upstream) {
            return;
        }
        letGo().close();
        ex.upstreamFailed(this, cause);
    }

    /**
     * The platform says the endpoint's instance died: fail this try now rather than wait for a
     * reset that a killed guest behind a TAP device never sends. The failover retries what is safe
     * to send again on another endpoint and answers the rest 502.
     */
    void endpointDied() {
        Exception cause = new ConnectException("instance " + endpoint.endpoint.instanceId() + " died");
        if (upstream != null) {
            letGo().close();
            ex.upstreamFailed(this, cause);
        } else if (ex.connecting(this)) {
            ex.connectFailed(this, cause); // a connection that opens later idles out
        }
    }

    /** The upstream said nothing for the idle timeout. */
    void upstreamIdle(Channel from) {
        if (from != upstream) {
            return;
        }
        letGo().close();
        ex.upstreamIdle(this, ex.rt.config.upstreamIdleTimeout());
    }

    /**
     * A response head must come within the service's response timeout of the request going out:
     * an app that accepted the connection but never answers (a full listen backlog behind the
     * VMM's network, a stuck handler) gets a 504 instead of holding the client forever.
     */
    private void armResponseTimer(Channel ch) {
        Duration timeout = ex.admission.service.limits().responseTimeout();
        if (timeout.isZero()) {
            return;
        }
        responseTimer = ex.loop.schedule(
                () -> {
                    responseTimer = null;
                    if (ch == upstream) {
                        letGo().close();
                        ex.upstreamIdle(this, timeout);
                    }
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /** Detaches the connection from this try and returns it. */
    private Channel letGo() {
        cancelResponseTimer();
        Channel ch = upstream;
        ex.rt.pool(ex.loop).done(endpoint.endpoint, this);
        backend.detach();
        backend = null;
        upstream = null;
        return ch;
    }
}
