package dev.wisp.router;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream connection's pipeline:
 * {@code [HttpClientCodec] -> [IdleTimer] -> BackendHandler}.
 *
 * <p>While the connection serves an {@link Attempt} of an exchange it forwards responses and
 * failures to it. While it
 * is parked in its event loop's {@link UpstreamPool} it watches for the backend closing the idle
 * connection (or the idle timeout) and drops it from the pool.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    /** The try this connection serves, or null while it is parked. */
    private Attempt attempt;

    private UpstreamPool pool;
    private Endpoint parkedFor;

    void attach(Attempt a) {
        attempt = a;
        pool = null;
        parkedFor = null;
    }

    void detach() {
        attempt = null;
    }

    void parked(UpstreamPool p, Endpoint ep) {
        pool = p;
        parkedFor = ep;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (attempt != null) {
            attempt.onUpstreamMessage(ctx.channel(), msg);
        } else {
            // Bytes on an idle connection: the backend broke HTTP framing; never reuse it.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (attempt != null) {
            attempt.flushClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (attempt != null) {
            attempt.upstreamWritabilityChanged(ctx.channel());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (attempt != null) {
            attempt.upstreamFailed(
                    ctx.channel(), new PrematureChannelClosureException("upstream closed the connection"));
        } else if (pool != null) {
            pool.remove(parkedFor, ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (attempt != null) {
            attempt.upstreamFailed(ctx.channel(), cause);
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (attempt != null) {
                attempt.upstreamIdle(ctx.channel());
            } else {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
