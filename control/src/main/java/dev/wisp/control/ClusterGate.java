package dev.wisp.control;

import dev.wisp.router.RequestGate;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.function.Predicate;

/**
 * The gate of a cluster node's router: tenants and tokens as {@link TenantRouting} says, plus
 * the hop between nodes. A request for a key this node does not run is marked with {@value
 * #HOP_NAME} (this node's name) and keeps its token, so the node that runs it checks the token
 * itself; a request that already carries the mark and finds no local instance is refused (404)
 * rather than forwarded again, so a stale routing table cannot loop a request between nodes.
 */
final class ClusterGate implements RequestGate {
    static final String HOP_NAME = "x-wisp-hop";
    static final AsciiString HOP = AsciiString.cached(HOP_NAME);

    private final TenantRouting routing;
    private final String self;
    private final Predicate<String> local;

    ClusterGate(TenantRouting routing, String self, Predicate<String> local) {
        this.routing = routing;
        this.self = self;
        this.local = local;
    }

    @Override
    public boolean admit(String key, HttpRequest request) {
        if (local.test(key)) {
            request.headers().remove(HOP);
            return routing.admit(key, request);
        }
        if (request.headers().contains(HOP)) {
            return false;
        }
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (!routing.admit(key, request)) {
            return false;
        }
        if (auth != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, auth);
        }
        request.headers().set(HOP, self);
        return true;
    }
}
