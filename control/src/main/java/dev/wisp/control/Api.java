package dev.wisp.control;

import dev.wisp.store.StoreException;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a {@link Call} into a {@link Reply}: static dashboard files, route lookup, authentication,
 * the per-token rate limit, then the route's handler. Every failure becomes a JSON error with a
 * stable code; nothing a client sends yields a 5xx unless the server itself is broken.
 */
record Api(ApiRoutes routes, Auth auth, RateLimiter limiter, ControlMetrics metrics) {
    private static final System.Logger LOG = System.getLogger(Api.class.getName());
    private static final String DASHBOARD = "dev/wisp/control/dashboard/";
    private static final Pattern STATIC_PATH =
            Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}){0,7}");

    /** Splits a raw URI into path and query (first value of each parameter). */
    static Map.Entry<String, Map<String, String>> parseUri(String uri) {
        QueryStringDecoder d = new QueryStringDecoder(uri, true);
        Map<String, String> query = new HashMap<>();
        d.parameters().forEach((k, v) -> {
            if (!v.isEmpty()) {
                query.put(k, v.get(0));
            }
        });
        String path = d.rawPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return Map.entry(path, query);
    }

    Reply handle(Call call) {
        long t0 = System.nanoTime();
        String route = "unmatched";
        Reply reply;
        try {
            if (call.path().equals("/") || call.path().startsWith("/dashboard")) {
                route = "dashboard";
                reply = dashboard(call);
            } else {
                ApiRoutes.Match m = routes.match(call.method(), call.path());
                route = m.route().template();
                Caller who = m.route().open() ? null : authenticate(call);
                reply = m.route().handler().handle(call, who, m.params());
            }
        } catch (ApiException e) {
            reply = Reply.error(e);
        } catch (RuntimeException e) {
            reply = Reply.error(unexpected(call, e));
        }
        metrics.request(call.method(), route, reply.status(), System.nanoTime() - t0);
        return reply;
    }

    /**
     * A full disk is 507 and a store that cannot write 503, each with its reason: the client can act
     * on them (free space, retry). Anything else is a bug: logged, 500.
     */
    private static ApiException unexpected(Call call, RuntimeException e) {
        ApiException full = DiskFull.find(e, null);
        if (full != null) {
            return full;
        }
        if (e instanceof StoreException) {
            LOG.log(System.Logger.Level.WARNING, call.method() + " " + call.path() + ": " + e.getMessage());
            return new ApiException(503, "unavailable", "the state store cannot write: " + e.getMessage());
        }
        LOG.log(System.Logger.Level.ERROR, call.method() + " " + call.path() + " failed", e);
        return new ApiException(
                500, "internal", "internal error: " + e.getClass().getSimpleName());
    }

    /** Authenticates and applies the rate limit; used before streaming an upload too. */
    Caller authenticate(Call call) {
        Caller who = auth.authenticate(call);
        if (!limiter.tryAcquire(who.tokenHash(), System.nanoTime())) {
            throw new ApiException(429, "rate_limited", "too many requests for this token; slow down");
        }
        return who;
    }

    private Reply dashboard(Call call) {
        if (!call.method().equals("GET") && !call.method().equals("HEAD")) {
            throw new ApiException(405, "method_not_allowed", "the dashboard is read-only");
        }
        String rel = call.path().equals("/") || call.path().equals("/dashboard")
                ? "index.html"
                : call.path().substring("/dashboard/".length());
        if (!STATIC_PATH.matcher(rel).matches() || rel.contains("..")) {
            throw ApiException.notFound("no file " + Names.shorten(rel));
        }
        try (InputStream in = Api.class.getClassLoader().getResourceAsStream(DASHBOARD + rel)) {
            if (in == null) {
                throw ApiException.notFound("no dashboard file " + Names.shorten(rel));
            }
            return Reply.bytes(contentType(rel), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase();
        return switch (ext) {
            case "html", "htm" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> "application/json; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "woff2" -> "font/woff2";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }

    static byte[] resource(String name) {
        try (InputStream in = Api.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
