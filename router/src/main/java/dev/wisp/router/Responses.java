package dev.wisp.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;

/** Answers the router gives itself: small JSON bodies so clients and scripts can tell why. */
final class Responses {
    private Responses() {}

    /** The status that answers a request the codec could not decode. */
    static HttpResponseStatus forDecoderFailure(Throwable cause) {
        return cause instanceof TooLongHttpLineException
                ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : cause instanceof TooLongHttpHeaderException
                        ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                        : HttpResponseStatus.BAD_REQUEST;
    }

    /**
     * @param error machine-readable code, e.g. {@code unknown_service}
     * @param message human-readable detail (escaped here: it may carry client input)
     * @param retryAfterSeconds value for {@code Retry-After}, or negative for none
     */
    static FullHttpResponse json(
            ByteBufAllocator alloc,
            HttpVersion version,
            HttpResponseStatus status,
            String error,
            String message,
            CharSequence requestId,
            long retryAfterSeconds) {
        String body = "{\"error\":\"" + escape(error) + "\",\"status\":" + status.code()
                + ",\"message\":\"" + escape(message) + "\",\"request_id\":\""
                + escape(requestId.toString()) + "\"}\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse res = new DefaultFullHttpResponse(
                version.equals(HttpVersion.HTTP_1_0) ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, status, buf);
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(Forwarding.X_REQUEST_ID, requestId)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (retryAfterSeconds >= 0) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        return res;
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
