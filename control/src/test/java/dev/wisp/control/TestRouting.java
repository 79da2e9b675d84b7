package dev.wisp.control;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashMap;
import java.util.Map;

/** Routing tables and router requests for the unit tests of the router seam. */
final class TestRouting {
    private TestRouting() {}

    /**
     * A routing that serves each target under its node key, reached as {@code tenant/name}, with
     * these token owners.
     *
     * @param targets node key to the service it serves
     * @param owners API token to its owner
     */
    static TenantRouting of(Map<String, TenantRouting.Target> targets, Map<String, TenantRouting.TokenOwner> owners) {
        Map<String, String> routes = new HashMap<>();
        targets.forEach((key, t) -> routes.put(t.tenant() + "/" + t.service(), key));
        TenantRouting r = new TenantRouting();
        r.publish(routes, targets);
        Map<String, TenantRouting.TokenOwner> byHash = new HashMap<>();
        owners.forEach((token, owner) -> byHash.put(Tokens.hash(token), owner));
        r.publishTokens(byHash);
        return r;
    }

    /** {@code GET /} with the token as a bearer, or none for null. */
    static HttpRequest request(String token) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        if (token != null) {
            req.headers().set("Authorization", "Bearer " + token);
        }
        return req;
    }
}
