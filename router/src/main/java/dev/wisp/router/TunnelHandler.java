package dev.wisp.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Raw byte relay that replaces the HTTP handlers on both connections once an upgrade (101) went
 * through: {@code [IdleTimer] -> TunnelHandler} on the client side, {@code TunnelHandler}
 * alone upstream. Backpressure: stop reading a side while the other side cannot take more.
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final Runnable onClose;

    TunnelHandler(Channel peer, Runnable onClose) {
        this.peer = peer;
        this.onClose = onClose;
    }

    /**
     * Turns both HTTP pipelines into one tunnel, on their shared event loop, once the 101 and its
     * end were written to the client: each side's last handler becomes a {@code TunnelHandler} to
     * the other, the codecs go, and {@code onClose} runs when either side closes.
     */
    static void splice(Channel client, Channel upstream, FrontendHandler front, Runnable onClose) {
        ChannelPipeline cp = client.pipeline();
        ChannelPipeline upp = upstream.pipeline();
        // Encoders go first: the decoders flush their leftover bytes on removal, and those bytes
        // must pass the other side as raw bytes, not hit an HTTP encoder.
        cp.get(HttpServerCodec.class).removeOutboundHandler();
        upp.get(HttpClientCodec.class).removeOutboundHandler();
        upp.replace(BackendHandler.class, "tunnel", new TunnelHandler(client, onClose));
        upp.remove(IdleTimer.class); // the client side's idle timer governs the tunnel
        cp.replace(FrontendHandler.class, "tunnel", new TunnelHandler(upstream, onClose));
        front.releaseBacklog();
        upp.remove(HttpClientCodec.class);
        cp.remove(HttpServerCodec.class);
        upstream.config().setAutoRead(true);
        client.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            peer.write(buf, peer.voidPromise());
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        } else {
            ReferenceCountUtil.release(msg); // e.g. the empty last content of the 101 itself
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        peer.config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Deliver what is still queued for the peer, then close it too.
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        onClose.run();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
