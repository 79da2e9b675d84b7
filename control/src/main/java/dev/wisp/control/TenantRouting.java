package dev.wisp.control;

import dev.wisp.router.RequestGate;
import dev.wisp.router.ServiceResolver;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The router's view of tenants. As resolver: {@code NAME.TENANT.localhost} (and {@code NAME.localhost}
 * for tenant {@code default}) goes to the node service of the revision serving now; switching a
 * revision is one map swap, so a request sees the old or the new one, never neither. As gate: a
 * request carrying a {@code wisp_} token of another tenant gets 404, a private service needs its own
 * tenant's token; the token is stripped before the request reaches the VM. Both run on router event
 * loops, so they read only immutable maps the reconciler publishes.
 */
final class TenantRouting implements ServiceResolver, RequestGate {
    /** Who owns a node service key. */
    record Target(String tenant, String service, boolean privateAccess) {}

    /** An API token as the gate needs it. */
    record TokenOwner(String tenant, boolean admin) {}

    private static final String SUFFIX = ".localhost";

    private volatile Map<String, String> routes = Map.of();
    private volatile Map<String, Target> targets = Map.of();
    private volatile Map<String, TokenOwner> tokens = Map.of();
    /** Function keys ({@code fn-...}, host {@code KEY.localhost}) to owners; the reconciler's publish leaves these alone. */
    private volatile Map<String, Target> functions = Map.of();

    /** Replaces the routing: {@code tenant/service} to node key, node key to owner. */
    void publish(Map<String, String> newRoutes, Map<String, Target> newTargets) {
        targets = Map.copyOf(newTargets);
        routes = Map.copyOf(newRoutes);
    }

    void publishTokens(Map<String, TokenOwner> byHash) {
        tokens = Map.copyOf(byHash);
    }

    /** Moves one service's traffic to {@code key} at once. */
    synchronized void route(String tenant, String service, String key, boolean privateAccess) {
        Map<String, Target> t = new HashMap<>(targets);
        t.put(key, new Target(tenant, service, privateAccess));
        targets = Map.copyOf(t);
        Map<String, String> r = new HashMap<>(routes);
        r.put(tenant + "/" + service, key);
        routes = Map.copyOf(r);
    }

    /** Makes {@code KEY.localhost} reach the function's node service (public: the key is unguessable). */
    synchronized void routeFunction(String key, String tenant, String function) {
        Map<String, Target> f = new HashMap<>(functions);
        f.put(key, new Target(tenant, function, false));
        functions = Map.copyOf(f);
    }

    synchronized void unrouteFunction(String key) {
        Map<String, Target> f = new HashMap<>(functions);
        f.remove(key);
        functions = Map.copyOf(f);
    }

    String current(String tenant, String service) {
        return routes.get(tenant + "/" + service);
    }

    Target owner(String key) {
        Target f = functions.get(key);
        return f != null ? f : targets.get(key);
    }

    @Override
    public String resolve(String host, String path) {
        if (host == null) {
            return null;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && !h.startsWith("[")) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (!h.endsWith(SUFFIX)) {
            return null;
        }
        String labels = h.substring(0, h.length() - SUFFIX.length());
        // Functions first: a default-tenant service named like a function's key cannot take its calls.
        if (functions.containsKey(labels)) {
            return labels;
        }
        int dot = labels.indexOf('.');
        String service = dot < 0 ? labels : labels.substring(0, dot);
        String tenant = dot < 0 ? Registry.DEFAULT_TENANT : labels.substring(dot + 1);
        if (!Names.valid(service) || !Names.valid(tenant)) {
            return null;
        }
        return routes.get(tenant + "/" + service);
    }

    @Override
    public boolean admit(String key, HttpRequest request) {
        Target target = owner(key);
        if (target == null) {
            return false;
        }
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim()
                : null;
        if (token == null || !token.startsWith(Tokens.PREFIX)) {
            return !target.privateAccess();
        }
        TokenOwner owner = Tokens.wellFormed(token) ? tokens.get(Tokens.hash(token)) : null;
        if (owner == null || !(owner.admin() || owner.tenant().equals(target.tenant()))) {
            return false;
        }
        // The platform's token is for the platform: the app never sees it.
        request.headers().remove(HttpHeaderNames.AUTHORIZATION);
        return true;
    }
}
