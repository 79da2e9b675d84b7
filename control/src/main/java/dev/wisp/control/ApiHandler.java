package dev.wisp.control;

import dev.wisp.store.Watch;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs aggregated API requests on a worker and writes the answer. Reading pauses while a request
 * is handled, so pipelined requests are answered in order. {@code /v1/events} turns the connection
 * into a server-sent event stream.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());
    private final EventLog events;
    private final ApiWorkers workers;
    private volatile Watch stream;

    ApiHandler(EventLog events, ApiWorkers workers) {
        this.events = events;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = "HEAD".equals(req.method().name());
        if (req.decoderResult().isFailure()) {
            HttpReplies.write(ctx, Reply.error(ApiException.badRequest("malformed HTTP request")), false, false);
            return;
        }
        if (stream != null) {
            return; // an event stream takes no further requests
        }
        Map.Entry<String, Map<String, String>> uri = Api.parseUri(req.uri());
        Call call = new Call(
                head ? "GET" : req.method().name(),
                uri.getKey(),
                uri.getValue(),
                req.headers().copy(),
                ByteBufUtil.getBytes(req.content()),
                null);
        boolean taken = workers.handle(ctx, call, () -> {}, r -> {
            if (r.streamTenant() != null) {
                startStream(ctx, r);
            } else if (r.follow() != null) {
                startFollow(ctx, r);
            } else {
                HttpReplies.write(ctx, r, keepAlive, head);
            }
        });
        if (!taken) {
            HttpReplies.write(ctx, ApiWorkers.busy(), keepAlive, head);
        }
    }

    private void startStream(ChannelHandlerContext ctx, Reply r) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.writeAndFlush(res);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("retry: 2000\n\n", StandardCharsets.UTF_8)));
        try {
            stream = events.follow(r.streamTenant(), r.streamAfter(), e -> {
                if (!ctx.channel().isActive()) {
                    return;
                }
                if (!ctx.channel().isWritable()) {
                    ctx.close(); // a reader this slow reconnects with Last-Event-ID
                    return;
                }
                String frame = "id: " + e.seq() + "\nevent: " + e.kind() + "\ndata: "
                        + new String(Json.bytes(e), StandardCharsets.UTF_8) + "\n\n";
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)));
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event stream could not start: " + e);
            ctx.close();
            return;
        }
        var ping = ctx.executor()
                .scheduleAtFixedRate(
                        () -> {
                            if (ctx.channel().isActive()) {
                                ctx.writeAndFlush(new DefaultHttpContent(
                                        Unpooled.copiedBuffer(": keep-alive\n\n", StandardCharsets.UTF_8)));
                            }
                        },
                        15,
                        15,
                        TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener(f -> {
            ping.cancel(false);
            stopStream();
        });
    }

    /** A followed log: the body, then each chunk as it comes; an empty line every 15 s keeps proxies open. */
    private void startFollow(ChannelHandlerContext ctx, Reply r) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.writeAndFlush(res);
        if (r.body().length > 0) {
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(r.body())));
        }
        Runnable stop;
        try {
            stop = r.follow().start(chunk -> {
                if (!ctx.channel().isActive()) {
                    return;
                }
                if (!ctx.channel().isWritable()) {
                    ctx.close(); // a reader this slow asks again with since=
                    return;
                }
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8)));
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "log stream could not start: " + e);
            ctx.close();
            return;
        }
        stream = () -> {};
        var ping = ctx.executor()
                .scheduleAtFixedRate(
                        () -> {
                            if (ctx.channel().isActive()) {
                                ctx.writeAndFlush(
                                        new DefaultHttpContent(Unpooled.copiedBuffer("\n", StandardCharsets.UTF_8)));
                            }
                        },
                        15,
                        15,
                        TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener(f -> {
            ping.cancel(false);
            stop.run();
        });
    }

    private void stopStream() {
        Watch w = stream;
        if (w != null) {
            w.cancel();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && stream == null) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "API connection: " + cause);
        ctx.close();
    }
}
