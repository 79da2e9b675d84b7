package dev.wisp.router;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rewriting between the two hops (RFC 9110 section 7.6.1): strips hop-by-hop headers,
 * adds {@code X-Forwarded-*} and {@code X-Request-Id}, and adapts response framing to the
 * client's protocol version. Messages are rewritten in place: the router owns the decoded
 * objects and forwards them, so copying the headers would be wasted work on the hot path.
 */
final class Forwarding {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    /** Spelled out: Netty deprecated its constant, but peers still send the header. */
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");

    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Forwarding() {}

    /** Whether a retry after a failure is harmless (RFC 9110 section 9.2.2). */
    static boolean idempotent(HttpMethod m) {
        return m == HttpMethod.GET
                || m == HttpMethod.HEAD
                || m == HttpMethod.OPTIONS
                || m == HttpMethod.PUT
                || m == HttpMethod.DELETE
                || m == HttpMethod.TRACE;
    }

    /** A request asking to switch protocols (WebSocket and the like). */
    static boolean isUpgrade(HttpRequest req) {
        HttpHeaders h = req.headers();
        return h.contains(HttpHeaderNames.UPGRADE)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** The client's request id if it is sane (printable ASCII, at most 128 chars), else a new one. */
    static CharSequence requestId(HttpRequest req) {
        String id = req.headers().get(X_REQUEST_ID);
        if (id != null && !id.isEmpty() && id.length() <= 128) {
            boolean ok = true;
            for (int i = 0; i < id.length() && ok; i++) {
                char c = id.charAt(i);
                ok = c > 0x20 && c < 0x7f;
            }
            if (ok) {
                return id;
            }
        }
        return newRequestId();
    }

    /**
     * 128 random bits as 32 hex chars; ThreadLocalRandom because ids need uniqueness, not secrecy.
     * An AsciiString over the bytes written here: no char[] to String copy and compaction per
     * request, and the header encoder copies its bytes in one go.
     */
    static AsciiString newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] out = new byte[32];
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            out[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return new AsciiString(out, false);
    }

    /**
     * {@link HttpUtil#isKeepAlive} without its value iterator when there is no Connection header,
     * the usual case for requests.
     */
    static boolean isKeepAlive(HttpMessage m) {
        return m.headers().contains(HttpHeaderNames.CONNECTION)
                ? HttpUtil.isKeepAlive(m)
                : m.protocolVersion().isKeepAliveDefault();
    }

    /** Rewrites the client's request into the upstream request (always HTTP/1.1, keep-alive). */
    static void toUpstream(
            HttpRequest req,
            String clientIp,
            String host,
            CharSequence requestId,
            boolean upgrade,
            boolean trustForwarded) {
        HttpHeaders h = req.headers();
        String upgradeProto = upgrade ? h.get(HttpHeaderNames.UPGRADE) : null;
        removeHopByHop(h);
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            h.set(HttpHeaderNames.UPGRADE, upgradeProto);
        }
        String xff = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        if (!trustForwarded || !h.contains(X_FORWARDED_PROTO)) {
            h.set(X_FORWARDED_PROTO, HTTP);
        }
        if (host != null && (!trustForwarded || !h.contains(X_FORWARDED_HOST))) {
            h.set(X_FORWARDED_HOST, host);
        }
        h.set(X_REQUEST_ID, requestId);
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /**
     * Rewrites an upstream response for the client.
     *
     * @return true if the client connection must close after this response because its end can
     *     only be signalled by closing (HTTP/1.0 client and a body of unknown length)
     */
    static boolean toClient(
            HttpResponse res,
            HttpVersion clientVersion,
            boolean keepAlive,
            boolean headRequest,
            CharSequence requestId) {
        HttpHeaders h = res.headers();
        int code = res.status().code();
        boolean switching = code == 101;
        String upgradeProto = switching ? h.get(HttpHeaderNames.UPGRADE) : null;
        removeHopByHop(h);
        if (!h.contains(X_REQUEST_ID)) {
            h.set(X_REQUEST_ID, requestId);
        }
        if (switching) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            if (upgradeProto != null) {
                h.set(HttpHeaderNames.UPGRADE, upgradeProto);
            }
            return false;
        }
        if (code < 200) {
            return false;
        }
        boolean bodyPossible = !headRequest && code != 204 && code != 304;
        boolean chunked = h.contains(HttpHeaderNames.TRANSFER_ENCODING) && HttpUtil.isTransferEncodingChunked(res);
        boolean delimited = chunked || h.contains(HttpHeaderNames.CONTENT_LENGTH) || !bodyPossible;
        boolean mustClose = false;
        if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            res.setProtocolVersion(HttpVersion.HTTP_1_0);
            if (chunked) {
                // HTTP/1.0 has no chunked coding: send the body raw and end it by closing.
                h.remove(HttpHeaderNames.TRANSFER_ENCODING);
                mustClose = true;
            } else if (!delimited) {
                mustClose = true;
            }
            if (keepAlive && !mustClose) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            res.setProtocolVersion(HttpVersion.HTTP_1_1);
            if (!delimited) {
                // The upstream ends this body by closing; re-frame it so the client connection survives.
                HttpUtil.setTransferEncodingChunked(res, true);
            }
            if (!keepAlive) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }
        if (!keepAlive || mustClose) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return mustClose;
    }

    /**
     * Connection, the headers it names, Keep-Alive, Proxy-Connection, TE, Upgrade. The options
     * {@code keep-alive}, {@code close} and {@code upgrade} name no header left to strip.
     */
    private static void removeHopByHop(HttpHeaders h) {
        if (h.contains(HttpHeaderNames.CONNECTION)) {
            List<String> named = null;
            Iterator<String> values = h.valueStringIterator(HttpHeaderNames.CONNECTION);
            while (values.hasNext()) {
                String v = values.next();
                // Scanned in place, no split: the value is nearly always a lone "keep-alive" or
                // "close", which names no header that is not removed below anyway.
                int start = 0;
                while (start <= v.length()) {
                    int comma = v.indexOf(',', start);
                    int end = comma < 0 ? v.length() : comma;
                    int from = start;
                    int to = end;
                    while (from < to && v.charAt(from) <= ' ') {
                        from++;
                    }
                    while (to > from && v.charAt(to - 1) <= ' ') {
                        to--;
                    }
                    if (from < to
                            && !token(v, from, to, "keep-alive")
                            && !token(v, from, to, "close")
                            && !token(v, from, to, "upgrade")) {
                        if (named == null) {
                            named = new ArrayList<>(2);
                        }
                        named.add(v.substring(from, to));
                    }
                    start = end + 1;
                }
            }
            if (named != null) {
                for (String t : named) {
                    // Never let Connection strip the framing headers we rely on.
                    if (!HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(t)
                            && !HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(t)) {
                        h.remove(t);
                    }
                }
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.UPGRADE);
    }

    private static boolean token(String v, int from, int to, String name) {
        return to - from == name.length() && v.regionMatches(true, from, name, 0, name.length());
    }
}
