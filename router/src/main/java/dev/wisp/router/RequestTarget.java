package dev.wisp.router;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Where a request is going, as routing sees it: the host, and the path without its query. Read
 * once per request by its {@link Exchange}, on the client connection's event loop.
 */
record RequestTarget(String host, String path) {
    static RequestTarget of(HttpRequest request) {
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
        return new RequestTarget(host, path);
    }
}
