package dev.wisp.control;

import static dev.wisp.control.TestRouting.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Host names to node services, the router gate's tenant rules, and node service keys. */
class RoutingTest {
    private static final String ACME = Tokens.newToken();
    private static final String GLOBEX = Tokens.newToken();
    private static final String ADMIN = Tokens.newToken();

    private static TenantRouting routing() {
        return TestRouting.of(
                Map.of(
                        "shop-r2-aaaaaa",
                        new TenantRouting.Target("acme", "shop", false),
                        "hello-r1-bbbbbb",
                        new TenantRouting.Target("default", "hello", true)),
                Map.of(
                        ACME,
                        new TenantRouting.TokenOwner("acme", false),
                        GLOBEX,
                        new TenantRouting.TokenOwner("globex", false),
                        ADMIN,
                        new TenantRouting.TokenOwner("default", true)));
    }

    @Test
    void hostNames_resolveToTheServingRevisionOfTheirTenant() {
        TenantRouting r = routing();
        assertThat(r.resolve("shop.acme.localhost:8080", "/")).isEqualTo("shop-r2-aaaaaa");
        assertThat(r.resolve("SHOP.ACME.localhost.", "/")).isEqualTo("shop-r2-aaaaaa");
        assertThat(r.resolve("hello.localhost", "/")).isEqualTo("hello-r1-bbbbbb");
        assertThat(r.resolve("hello.default.localhost", "/")).isEqualTo("hello-r1-bbbbbb");
        assertThat(r.resolve("shop.localhost", "/"))
                .as("another tenant's name in default")
                .isNull();
        assertThat(r.resolve("shop.globex.localhost", "/")).isNull();
        assertThat(r.resolve("shop.acme.example.com", "/")).isNull();
        assertThat(r.resolve("a.b.c.localhost", "/")).isNull();
        assertThat(r.resolve(null, "/")).isNull();
        r.route("acme", "shop", "shop-r3-aaaaaa", false);
        assertThat(r.resolve("shop.acme.localhost", "/")).isEqualTo("shop-r3-aaaaaa");
    }

    @Test
    void gate_foreignTokensGetNothing_privateNeedsOwnToken_tokenIsStripped() {
        TenantRouting r = routing();
        assertThat(r.admit("shop-r2-aaaaaa", request(null))).isTrue();
        assertThat(r.admit("shop-r2-aaaaaa", request(GLOBEX))).isFalse();
        assertThat(r.admit("shop-r2-aaaaaa", request("wisp_" + "q".repeat(32)))).isFalse();
        HttpRequest own = request(ACME);
        assertThat(r.admit("shop-r2-aaaaaa", own)).isTrue();
        assertThat(own.headers().get("Authorization"))
                .as("platform token stripped")
                .isNull();
        HttpRequest appToken = request("app-own-token");
        assertThat(r.admit("shop-r2-aaaaaa", appToken)).isTrue();
        assertThat(appToken.headers().get("Authorization"))
                .as("the app's own tokens pass")
                .isEqualTo("Bearer app-own-token");
        assertThat(r.admit("hello-r1-bbbbbb", request(null))).as("private").isFalse();
        assertThat(r.admit("hello-r1-bbbbbb", request(ACME))).isFalse();
        assertThat(r.admit("hello-r1-bbbbbb", request(ADMIN))).isTrue();
        assertThat(r.admit("unknown-r1-cccccc", request(null))).isFalse();
    }

    @Test
    void nodeKeys_areStableDistinctPerTenantAndWithinTheNodesNameRule() {
        String a = NodeKeys.key("acme", "shop", 3, 0);
        assertThat(a).isEqualTo(NodeKeys.key("acme", "shop", 3, 0)).startsWith("shop-r3-");
        assertThat(NodeKeys.key("globex", "shop", 3, 0)).isNotEqualTo(a);
        assertThat(NodeKeys.key("acme", "shop", 3, 1))
                .as("new settings, new key")
                .isNotEqualTo(a);
        String longName = "a234567890-234567890-23456789";
        String k = NodeKeys.key("acme", longName, 123456, 7);
        assertThat(k)
                .hasSizeLessThanOrEqualTo(30)
                .matches("[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?")
                .endsWith("-r123456-" + k.substring(k.length() - 6));
        assertThat(NodeKeys.key("acme", "a-" + "b".repeat(27), 99999, 0)).doesNotContain("--");
        assertThat(NodeKeys.isControlKey(k)).isTrue();
        assertThat(NodeKeys.isControlKey("fn-hello"))
                .as("a function's node service is not ours")
                .isFalse();
    }
}
