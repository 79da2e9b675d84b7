package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.cluster.Assignment;
import dev.wisp.cluster.Member;
import dev.wisp.cluster.NodeRecord;
import dev.wisp.router.Endpoint;
import dev.wisp.router.ServiceBackend;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A cluster node's router seam, in isolation: which keys it forwards and to which routers, and
 * the hop mark that keeps a request from going round (ClusterPlacementTest runs the real path).
 */
class ClusterRoutingTest {
    private static final String TOKEN = Tokens.newToken();

    private static TenantRouting routing() {
        return TestRouting.of(
                Map.of(
                        "hello-r1-aaaaaa", new TenantRouting.Target("default", "hello", false),
                        "secret-r1-bbbbbb", new TenantRouting.Target("default", "secret", true)),
                Map.of(TOKEN, new TenantRouting.TokenOwner("default", false)));
    }

    private static HttpRequest request(String token, String hop) {
        HttpRequest req = TestRouting.request(token);
        if (hop != null) {
            req.headers().set(ClusterGate.HOP_NAME, hop);
        }
        return req;
    }

    private static Member member(String name, int routerPort, Member.State state) {
        return new Member(
                new NodeRecord(
                        name,
                        "10.0.0." + name.length(),
                        7070,
                        routerPort,
                        2,
                        4096,
                        0,
                        0,
                        0,
                        0,
                        0,
                        "tcg",
                        "t",
                        "t0",
                        null,
                        null),
                state,
                false);
    }

    @Test
    void aKeyRunElsewhere_isForwardedMarkedWithThisNodeAndKeepsItsToken() {
        ClusterGate gate = new ClusterGate(routing(), "n1", key -> false);
        HttpRequest req = request(TOKEN, null);
        assertThat(gate.admit("secret-r1-bbbbbb", req)).isTrue();
        assertThat(req.headers().get(ClusterGate.HOP_NAME)).isEqualTo("n1");
        assertThat(req.headers().get("Authorization"))
                .as("the serving node checks it")
                .isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void aForwardedRequest_isServedHereWithoutTheMarkAndToken_butNeverForwardedAgain() {
        ClusterGate local = new ClusterGate(routing(), "n2", key -> true);
        HttpRequest req = request(TOKEN, "n1");
        assertThat(local.admit("secret-r1-bbbbbb", req)).isTrue();
        assertThat(req.headers().contains(ClusterGate.HOP_NAME)).isFalse();
        assertThat(req.headers().contains("Authorization"))
                .as("the app never sees the platform's token")
                .isFalse();

        ClusterGate elsewhere = new ClusterGate(routing(), "n2", key -> false);
        assertThat(elsewhere.admit("hello-r1-aaaaaa", request(null, "n1"))).isFalse();
    }

    @Test
    void aPrivateKeyRunElsewhere_withoutItsTenantsToken_isNotForwarded() {
        ClusterGate gate = new ClusterGate(routing(), "n1", key -> false);
        HttpRequest req = request(null, null);
        assertThat(gate.admit("secret-r1-bbbbbb", req)).isFalse();
        assertThat(req.headers().contains(ClusterGate.HOP_NAME)).isFalse();
    }

    @Test
    void remoteServices_pointAtTheLiveRoutersRunningTheKeyAndKeepOneBackendPerKey() {
        TenantRouting routing = routing();
        RemoteServices remote = new RemoteServices(key -> routing.owner(key) != null);
        Assignment hello = new Assignment("hello-r1-aaaaaa", 1, "default", "hello", 1, 0);
        remote.refresh(
                Map.of(
                        "n1",
                        Map.of(hello.key(), hello),
                        "n2",
                        Map.of(hello.key(), hello),
                        "n3",
                        Map.of(hello.key(), hello)),
                List.of(
                        member("n1", 8080, Member.State.READY),
                        member("n2", 8082, Member.State.DRAINING),
                        member("n3", 8083, Member.State.LOST)));
        ServiceBackend b = remote.lookup("hello-r1-aaaaaa");
        assertThat(b.endpoints())
                .as("its own router (for requests that waited), another live one, not a lost one")
                .containsExactlyInAnyOrder(
                        new Endpoint("node-n1", "10.0.0.2", 8080), new Endpoint("node-n2", "10.0.0.2", 8082));
        assertThat(remote.lookup("nope-r1-cccccc")).isNull();

        remote.refresh(Map.of(), List.of(member("n2", 8082, Member.State.READY)));
        assertThat(remote.lookup("hello-r1-aaaaaa"))
                .as("a routed key between placements: the same backend, its requests wait")
                .isSameAs(b);
        assertThat(b.endpoints()).isEmpty();
        assertThat(Set.copyOf(remote.endpointsOf("hello-r1-aaaaaa"))).isEmpty();
    }
}
