package dev.wisp.router;

import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Last handler of a client connection's pipeline:
 * {@code [HttpServerCodec] -> [IdleTimer] -> FrontendHandler}.
 *
 * <p>Runs one {@link Exchange} at a time. Requests pipelined behind the current one wait in a
 * small backlog (bounded: reading pauses past {@link RequestBody#MAX_BUFFERED}) and start when the
 * current response has ended, so responses keep request order. Owns the client's autoRead: it
 * is off whenever the backlog is full or the exchange asks for backpressure.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private final RouterRuntime rt;
    /** Flushes of this connection's loop, deferred to the end of its I/O batch. */
    LoopFlusher flusher;

    private Channel channel;
    private String clientIp = "unknown";
    private Exchange current;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private int backlogBytes;
    private boolean drainingBacklog;
    private boolean closing;
    /**
     * True inside a read batch: writes upstream are then flushed once, at read-complete (and that
     * flush waits for the end of the loop's I/O batch, see {@link LoopFlusher}).
     */
    boolean inRead;

    FrontendHandler(RouterRuntime rt) {
        this.rt = rt;
    }

    String clientIp() {
        return clientIp;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        flusher = rt.flusher(channel.eventLoop());
        if (channel.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            clientIp = a.getAddress().getHostAddress();
        }
        rt.clients.add(channel);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inRead = true;
        handle(msg);
    }

    private void handle(Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null) {
            if (!current.requestComplete() && msg instanceof HttpContent c && !(msg instanceof HttpRequest)) {
                current.onClientContent(c);
            } else {
                backlog.add(msg);
                backlogBytes += size(msg);
                updateRead();
            }
            return;
        }
        if (msg instanceof HttpRequest req) {
            Exchange ex = new Exchange(rt, this, channel, req);
            current = ex;
            ex.start();
            if (msg instanceof HttpContent c) {
                if (current == ex) {
                    ex.onClientContent(c);
                } else {
                    c.release();
                }
            }
        } else {
            // Body of a request already answered (and its connection closing): drop it.
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        if (current != null) {
            current.flushUpstream();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        Exchange ex = current;
        if (ex != null) {
            ex.clientClosed();
        }
        releaseBacklog();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // Idle between requests (or a stalled body we are only discarding): close. A request that
            // waits for an endpoint or an upstream is bounded by the queue and upstream timeouts.
            if (current == null || current.isLocal()) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // resets and the like: channelInactive cleans up
    }

    /** Called by the exchange when its response has ended (or it was abandoned). */
    void exchangeDone(Exchange ex, boolean close) {
        if (current != ex) {
            return;
        }
        current = null;
        if (close || closing) {
            closing = true;
            releaseBacklog();
            if (channel.isActive()) {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (rt.draining && backlog.isEmpty()) {
            channel.close(); // idle keep-alive connection of a draining router
            return;
        }
        if (!drainingBacklog) {
            drainingBacklog = true;
            try {
                while (current == null && !backlog.isEmpty() && !closing) {
                    Object m = backlog.poll();
                    backlogBytes -= size(m);
                    handle(m);
                    // Content following the new request's head belongs to it, not to the backlog.
                    while (current != null
                            && !current.requestComplete()
                            && !backlog.isEmpty()
                            && backlog.peek() instanceof HttpContent c
                            && !(c instanceof HttpRequest)) {
                        backlog.poll();
                        backlogBytes -= size(c);
                        current.onClientContent(c);
                    }
                }
            } finally {
                drainingBacklog = false;
            }
            if (current != null && !inRead) {
                current.flushUpstream();
            }
        }
        updateRead();
    }

    /** Recomputes whether to read from the client (backpressure and ordering). */
    void updateRead() {
        if (channel == null || closing) {
            return;
        }
        boolean paused = backlogBytes > RequestBody.MAX_BUFFERED || (current != null && current.clientReadBlocked());
        if (channel.config().isAutoRead() == paused) {
            channel.config().setAutoRead(!paused);
        }
    }

    void releaseBacklog() {
        Object m;
        while ((m = backlog.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        backlogBytes = 0;
    }

    private static int size(Object msg) {
        return msg instanceof ByteBufHolder h ? h.content().readableBytes() + 64 : 256;
    }

    /** Closes the connection if no request is in progress (graceful shutdown). */
    void closeIfIdle() {
        if (current == null && channel != null) {
            channel.close();
        }
    }
}
