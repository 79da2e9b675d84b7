package dev.wisp.control;

import dev.wisp.common.DiskSpace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;

/**
 * Streams {@code POST /v1/images} bodies to a file instead of memory: the caller is authenticated
 * from the head (before a byte of the body is accepted, answering {@code Expect: 100-continue}),
 * the size is capped, and the finished file is handed to the API on a worker. Other requests pass
 * on to the aggregator.
 */
final class UploadHandler extends ChannelInboundHandlerAdapter {
    private final Api api;
    private final long maxBytes;
    private final Path uploads;
    private final ApiWorkers workers;

    private Call call;
    private Path file;
    private FileChannel out;
    private long received;
    private boolean discarding;

    UploadHandler(Api api, long maxBytes, Path uploads, ApiWorkers workers) {
        this.api = api;
        this.maxBytes = maxBytes;
        this.uploads = uploads;
        this.workers = workers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req
                && !req.decoderResult().isFailure()
                && req.method() == HttpMethod.POST
                && Api.parseUri(req.uri()).getKey().equals("/v1/images")) {
            ReferenceCountUtil.release(msg);
            start(ctx, req);
            return;
        }
        if (msg instanceof HttpContent content && (file != null || discarding)) {
            try {
                if (file != null) {
                    write(ctx, content);
                }
                if (content instanceof LastHttpContent) {
                    discarding = false;
                    finish(ctx);
                }
            } finally {
                content.release();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void start(ChannelHandlerContext ctx, HttpRequest req) {
        Map.Entry<String, Map<String, String>> uri = Api.parseUri(req.uri());
        call = new Call("POST", uri.getKey(), uri.getValue(), req.headers().copy(), new byte[0], null);
        try {
            api.authenticate(call);
            String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (!type.startsWith("application/x-tar")) {
                throw new ApiException(415, "unsupported_media_type", "images are uploaded as application/x-tar");
            }
            if (HttpUtil.getContentLength(req, -1L) > maxBytes) {
                throw new ApiException(413, "payload_too_large", "images are limited to " + maxBytes + " bytes");
            }
            DataDirectory.createDirectories(uploads);
            file = uploads.resolve(UUID.randomUUID() + ".tar");
            out = FileChannel.open(
                    file,
                    java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    DataDirectory.FILE_ATTR);
            received = 0;
            if (HttpUtil.is100ContinueExpected(req)) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
            }
        } catch (ApiException e) {
            refuse(ctx, e);
        } catch (IOException e) {
            cleanup();
            refuse(ctx, storeFailed(e));
        }
    }

    private void write(ChannelHandlerContext ctx, HttpContent content) {
        ByteBuf buf = content.content();
        received += buf.readableBytes();
        if (received > maxBytes) {
            cleanup();
            refuse(ctx, new ApiException(413, "payload_too_large", "images are limited to " + maxBytes + " bytes"));
            return;
        }
        try {
            while (buf.isReadable()) {
                buf.readBytes(out, buf.readableBytes());
            }
        } catch (IOException e) {
            cleanup();
            refuse(ctx, storeFailed(e));
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        if (file == null) {
            return;
        }
        Path body = file;
        Call c = new Call(call.method(), call.path(), call.query(), call.headers(), new byte[0], body);
        try {
            out.close();
        } catch (IOException ignored) {
            // the read below fails clearly if the file is broken
        }
        file = null;
        out = null;
        // The file is gone before the answer leaves: a client that looks right after sees no upload left.
        boolean taken = workers.handle(ctx, c, () -> deleteQuietly(body), r -> HttpReplies.write(ctx, r, true, false));
        if (!taken) {
            deleteQuietly(body);
            HttpReplies.write(ctx, ApiWorkers.busy(), false, false);
        }
    }

    /** A full disk is 507 (the client can free space or wait), any other I/O failure 503. */
    private ApiException storeFailed(IOException e) {
        if (DiskSpace.isNoSpace(e)) {
            return DiskFull.at(uploads);
        }
        return new ApiException(503, "unavailable", "cannot store the upload: " + e.getMessage());
    }

    /**
     * Answers with the error at once; the rest of the body is read and dropped, so a client still
     * sending reads this answer rather than a reset connection.
     */
    private void refuse(ChannelHandlerContext ctx, ApiException e) {
        discarding = true;
        HttpReplies.write(ctx, Reply.error(e), true, false);
    }

    private void cleanup() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // deleting anyway
            }
        }
        if (file != null) {
            deleteQuietly(file);
        }
        file = null;
        out = null;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // swept at the next start
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cleanup();
        super.channelInactive(ctx);
    }
}
