package dev.wisp.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real local HTTP server that records what it receives (a double that checks the wire format). */
class WispClientTest {
    private static final String TOKEN = "wisp_abcdefghijklmnopqrstuvwxyz234567";

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();

    private record Seen(String method, String uri, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange ex, Seen req) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            Seen req = new Seen(
                    ex.getRequestMethod(),
                    ex.getRequestURI().toString(),
                    Map.copyOf(ex.getRequestHeaders()),
                    ex.getRequestBody().readAllBytes());
            seen.add(req);
            String key = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
            Handler h = routes.get(key);
            try {
                if (h == null) {
                    reply(ex, 404, "{\"error\": {\"code\": \"not_found\", \"message\": \"no route " + key + "\"}}");
                } else {
                    h.handle(ex, req);
                }
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private WispClient client() {
        return WispClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                .token(TOKEN)
                .requestTimeout(Duration.ofSeconds(5))
                .reconnectDelay(Duration.ofMillis(50))
                .build();
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, status == 204 ? -1 : b.length);
        if (status != 204) {
            ex.getResponseBody().write(b);
        }
    }

    @Test
    void services_sendsBearerTokenAndReadsTheItems() {
        routes.put("GET /v1/services", (ex, r) -> reply(ex, 200, """
                {"items": [{"name": "hello", "tenant": "default", "revision": 2,
                            "status": {"ready": true, "instances": {"running": 1, "paused": 2, "snapshotted": 0}}}]}"""));
        List<Service> services = client().services();
        assertThat(services).extracting(Service::name).containsExactly("hello");
        assertThat(services.get(0).status().instances().paused()).isEqualTo(2);
        assertThat(seen.get(0).header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(seen.get(0).header("Accept")).isEqualTo("application/json");
    }

    @Test
    void adminActingOnTenant_addsTenantQueryToServiceRoutesOnly() {
        routes.put("GET /v1/services/hello", (ex, r) -> reply(ex, 200, "{\"name\": \"hello\"}"));
        routes.put("GET /v1/tenants", (ex, r) -> reply(ex, 200, "{\"items\": []}"));
        WispClient c = WispClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .token(TOKEN)
                .tenant("acme")
                .build();
        c.service("hello");
        c.tenants();
        assertThat(seen).extracting(Seen::uri).containsExactly("/v1/services/hello?tenant=acme", "/v1/tenants");
    }

    @Test
    void createAndDeploy_postJsonWithoutNullFields() {
        routes.put("POST /v1/services", (ex, r) -> reply(ex, 201, r.text()));
        routes.put(
                "POST /v1/services/hello/deploy",
                (ex, r) -> reply(ex, 202, "{\"service\": \"hello\", \"number\": 2, \"state\": \"warming\"}"));
        WispClient c = client();
        Service created = c.createService(Service.builder("hello", "sha256:ab")
                .env(Map.of("A", "1"))
                .resources(new Resources(1, 128))
                .port(8080)
                .build());
        Revision rev = c.deploy("hello", new DeployRequest("sha256:cd", null, null, null));
        assertThat(created.image()).isEqualTo("sha256:ab");
        assertThat(rev.number()).isEqualTo(2);
        assertThat(seen.get(0).header("Content-Type")).startsWith("application/json");
        assertThat(seen.get(0).text())
                .isEqualTo(
                        "{\"name\":\"hello\",\"image\":\"sha256:ab\",\"env\":{\"A\":\"1\"},\"resources\":{\"vcpus\":1,\"memoryMiB\":128},\"port\":8080}");
        assertThat(seen.get(1).text()).isEqualTo("{\"image\":\"sha256:cd\"}");
    }

    @Test
    void scaleRollbackDelete_useTheDocumentedMethodsAndBodies() {
        routes.put("PATCH /v1/services/hello", (ex, r) -> reply(ex, 200, "{\"name\": \"hello\"}"));
        routes.put(
                "POST /v1/services/hello/rollback",
                (ex, r) -> reply(ex, 202, "{\"number\": 1, \"state\": \"serving\"}"));
        routes.put("DELETE /v1/services/hello", (ex, r) -> reply(ex, 204, ""));
        WispClient c = client();
        c.updateService(
                "hello",
                new ServicePatch(
                        new Scaling(0, 3, null, 5.0, null, null, null, null, null, null, null, null, null),
                        null,
                        null));
        c.rollback("hello", 1);
        c.deleteService("hello");
        assertThat(seen)
                .extracting(s -> s.method() + " " + s.uri() + " " + s.text())
                .containsExactly(
                        "PATCH /v1/services/hello {\"scaling\":{\"min\":0,\"max\":3,\"target\":5.0}}",
                        "POST /v1/services/hello/rollback {\"revision\":1}",
                        "DELETE /v1/services/hello ");
    }

    @Test
    void errorAnswer_throwsWithStatusCodeAndMessage() {
        routes.put(
                "POST /v1/tenants",
                (ex, r) -> reply(
                        ex,
                        422,
                        "{\"error\": {\"code\": \"quota_exceeded\", \"message\": \"vcpus: 4 allowed, 6 asked\"}}"));
        routes.put("GET /v1/nodes", (ex, r) -> {
            ex.sendResponseHeaders(502, 0);
            ex.getResponseBody().write("<html>Bad Gateway</html>\nmore".getBytes(StandardCharsets.UTF_8));
        });
        WispClient c = client();
        assertThatThrownBy(() -> c.createTenant(new Tenant("acme", new Quota(6, null, null, null))))
                .isInstanceOfSatisfying(WispApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.code()).isEqualTo("quota_exceeded");
                    assertThat(e.getMessage()).isEqualTo("vcpus: 4 allowed, 6 asked");
                });
        assertThatThrownBy(() -> c.service("nope"))
                .isInstanceOfSatisfying(
                        WispApiException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
        assertThatThrownBy(c::nodes).isInstanceOfSatisfying(WispApiException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.code()).isEqualTo("internal");
            assertThat(e.getMessage()).isEqualTo("<html>Bad Gateway</html>");
        });
    }

    @Test
    void noServerListening_failsFastNamingTheUrl() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WispClient c = WispClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + port))
                .token(TOKEN)
                .build();
        long t0 = System.nanoTime();
        assertThatThrownBy(c::services)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot reach http://127.0.0.1:" + port);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(c.healthy()).isFalse();
    }

    @Test
    void slowServer_requestTimeoutApplies() {
        routes.put("GET /v1/services", (ex, r) -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "{\"items\": []}");
        });
        WispClient c = WispClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .token(TOKEN)
                .requestTimeout(Duration.ofMillis(300))
                .build();
        long t0 = System.nanoTime();
        assertThatThrownBy(c::services).isInstanceOf(UncheckedIOException.class).hasMessageContaining("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void pushImage_streamsATarThatTarReadsBack(@TempDir Path dir) throws Exception {
        Path img = Files.createDirectory(dir.resolve("img"));
        Files.writeString(img.resolve("image.json"), "{\"id\": \"0904cb475bb576ae\", \"port\": 8080}");
        byte[] initrd = new byte[100_000];
        new java.util.Random(7).nextBytes(initrd);
        Files.write(img.resolve("initrd.img"), initrd);
        Files.writeString(img.resolve(".partial"), "skipped");
        Path received = dir.resolve("received.tar");
        routes.put("POST /v1/images", (ex, r) -> {
            Files.write(received, r.body());
            reply(
                    ex,
                    201,
                    "{\"id\": \"sha256:0904cb\", \"tenant\": \"default\", \"sizeBytes\": " + r.body().length + "}");
        });
        Image pushed = client().pushImage(img);
        Seen req = seen.get(0);
        assertThat(req.header("Content-Type")).isEqualTo("application/x-tar");
        assertThat(Long.parseLong(req.header("Content-Length")))
                .isEqualTo(req.body().length)
                .isEqualTo(pushed.sizeBytes());
        Path out = Files.createDirectory(dir.resolve("out"));
        Process tar = new ProcessBuilder("tar", "-xf", received.toString(), "-C", out.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(tar.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue())
                .as(new String(tar.getInputStream().readAllBytes()))
                .isZero();
        assertThat(out.toFile().list()).containsExactlyInAnyOrder("image.json", "initrd.img");
        assertThat(Files.readAllBytes(out.resolve("initrd.img"))).isEqualTo(initrd);
    }

    @Test
    void events_reconnectWithLastEventIdAndMissNothing() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        routes.put("GET /v1/events", (ex, r) -> {
            int n = connections.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            if (n == 1) {
                // two events, a comment and a multi-field frame, then the connection drops
                o.write(
                        ("retry: 50\n: keep-alive\n\nid: 1\ndata: {\"seq\": 1, \"kind\": \"service.created\", \"service\": \"a\"}\n\n"
                                        + "id: 2\nevent: change\ndata: {\"seq\": 2, \"kind\": \"instance.state\",\ndata: \"detail\": \"paused -> running\"}\n\n")
                                .getBytes(StandardCharsets.UTF_8));
            } else {
                String from = r.header("Last-Event-ID");
                o.write(("id: 3\ndata: {\"seq\": 3, \"kind\": \"instance.wake\", \"detail\": \"after " + from
                                + "\"}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                o.flush();
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        List<Event> got = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        try (EventSubscription sub = client().events(
                        null,
                        e -> {
                            got.add(e);
                            three.countDown();
                        },
                        null)) {
            assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sub.lastEventId()).isEqualTo("3");
        }
        assertThat(got).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        assertThat(got.get(1).detail()).isEqualTo("paused -> running");
        assertThat(got.get(2).detail()).isEqualTo("after 2");
        Seen first = seen.get(0);
        assertThat(first.header("Accept")).isEqualTo("text/event-stream");
        assertThat(first.header("Last-Event-ID")).isNull();
    }

    @Test
    void events_unauthorized_stopsAndReports() throws Exception {
        routes.put(
                "GET /v1/events",
                (ex, r) -> reply(ex, 401, "{\"error\": {\"code\": \"unauthorized\", \"message\": \"unknown token\"}}"));
        CountDownLatch failed = new CountDownLatch(1);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (EventSubscription sub = client().events(null, e -> {}, t -> {
            errors.add(t);
            failed.countDown();
        })) {
            assertThat(failed.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            assertThat(sub.connected()).isFalse();
        }
        assertThat(errors)
                .singleElement()
                .isInstanceOfSatisfying(
                        WispApiException.class, e -> assertThat(e.code()).isEqualTo("unauthorized"));
        assertThat(seen).hasSize(1);
    }
}
