package dev.wisp.sdk;

import static dev.wisp.sdk.ApiTransport.seg;

import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** The cluster-wide routes of {@link WispClient}: health, nodes, and the admin's tenants and tokens. */
final class AdminCalls {
    private final ApiTransport t;

    AdminCalls(ApiTransport t) {
        this.t = t;
    }

    boolean healthy() {
        try {
            return t.send(t.get("/v1/health", false).build(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            / 100
                    == 2;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    List<NodeInfo> nodes() {
        return t.list(t.get("/v1/nodes", false), NodeInfo.class);
    }

    DrainResult drain(String node) {
        return t.call(
                t.req("/v1/nodes/" + seg(node) + "/drain", false).POST(HttpRequest.BodyPublishers.noBody()),
                t.type(DrainResult.class));
    }

    SignInLink signInLink() {
        return t.call(
                t.req("/v1/signin-links", false).POST(HttpRequest.BodyPublishers.noBody()), t.type(SignInLink.class));
    }

    List<Tenant> tenants() {
        return t.list(t.get("/v1/tenants", false), Tenant.class);
    }

    Tenant createTenant(Tenant tenant) {
        return t.call(t.post("/v1/tenants", false, tenant), t.type(Tenant.class));
    }

    void deleteTenant(String name) {
        t.call(t.req("/v1/tenants/" + seg(name), false).DELETE(), null);
    }

    TokenCreated createToken(String tenantName) {
        return t.call(
                t.req("/v1/tenants/" + seg(tenantName) + "/tokens", false).POST(HttpRequest.BodyPublishers.noBody()),
                t.type(TokenCreated.class));
    }

    List<TokenInfo> tokens(String tenantName) {
        return t.list(t.get("/v1/tenants/" + seg(tenantName) + "/tokens", false), TokenInfo.class);
    }

    void deleteToken(String tenantName, String tokenId) {
        t.call(
                t.req("/v1/tenants/" + seg(tenantName) + "/tokens/" + seg(tokenId), false)
                        .DELETE(),
                null);
    }
}
