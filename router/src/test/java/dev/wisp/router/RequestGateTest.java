package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A router with a gate that admits a request to "private" only with its bearer token (which it
 * strips), through real Netty and the JDK's HTTP client.
 */
class RequestGateTest {
    static {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final String TOKEN = "wisp_owner";

    private final ServiceTable services = new ServiceTable();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RouterServer router;
    private TestBackend backend;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        backend = new TestBackend("vm-1");
        RequestGate gate = (service, request) -> {
            asked.add(service);
            if (!service.equals("private")) {
                return true;
            }
            boolean ok = ("Bearer " + TOKEN).equals(request.headers().get("Authorization"));
            request.headers().remove("Authorization");
            return ok;
        };
        router = RouterServer.builder()
                .config(RouterConfig.builder()
                        .ioThreads(1)
                        .drainTimeout(Duration.ofSeconds(1))
                        .build())
                .directory(services)
                .gate(gate)
                .build();
        port = router.start();
        for (String name : List.of("private", "public")) {
            services.define(name);
            services.setEndpoints(name, List.of(backend.endpoint()));
        }
    }

    @AfterEach
    void tearDown() {
        router.close();
        backend.close();
        http.close();
    }

    private HttpResponse<String> get(String service, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Host", service + ".localhost")
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void deniedRequest_getsTheSame404AsAnUnknownServiceAndNeverReachesTheBackend() throws Exception {
        HttpResponse<String> denied = get("private", "/", "wisp_someone_else");
        HttpResponse<String> unknown = get("nosuch", "/", null);

        assertThat(denied.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(denied.body())
                .contains("\"error\":\"unknown_service\"")
                .isEqualTo(unknown.body()
                        .replace("nosuch", "private")
                        .replace(
                                unknown.headers().firstValue("x-request-id").orElseThrow(),
                                denied.headers().firstValue("x-request-id").orElseThrow()));
        assertThat(backend.requests.get()).isZero();
        assertThat(router.snapshot("private"))
                .as("a denied request is never queued")
                .isNull();
    }

    @Test
    void admittedRequest_reachesTheBackendWithoutTheStrippedToken() throws Exception {
        HttpResponse<String> r = get("private", "/headers", TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("host: private.localhost").doesNotContain("authorization");
        assertThat(get("public", "/", null).body()).isEqualTo("hello from vm-1");
    }

    @Test
    void gate_isAskedOnlyForServicesThatExist() throws Exception {
        get("nosuch", "/", null);
        get("public", "/", null);

        assertThat(asked).containsExactly("public");
    }
}
