package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A router on an ephemeral loopback port over a {@link ServiceTable}, plus client helpers. As a
 * {@code @RegisterExtension} field it is closed after each test, with the backends it made.
 */
final class TestRouter implements AutoCloseable, AfterEachCallback {
    static {
        // Must be set before the JDK HttpClient reads it; surefire sets it too.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    final ServiceTable services = new ServiceTable();
    final List<Demand> demands = new CopyOnWriteArrayList<>();
    final List<Endpoint> failures = new CopyOnWriteArrayList<>();
    final RouterServer server;
    final int port;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<AutoCloseable> owned = new ArrayList<>();

    TestRouter() {
        this(
                RouterConfig.builder()
                        .ioThreads(2)
                        .drainTimeout(Duration.ofSeconds(2))
                        .build(),
                Routes.builder().prefix("/ws-prefix", "ws").build());
    }

    TestRouter(RouterConfig config, ServiceResolver resolver) {
        server = RouterServer.builder()
                .config(config)
                .resolver(resolver)
                .directory(services)
                .build();
        port = server.start();
    }

    /** A backend closed when the router is. */
    TestBackend backend(String id) {
        try {
            return closing(new TestBackend(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A backend that is {@code service}'s only endpoint, the service defined with the default limits. */
    TestBackend serving(String service, String id) {
        TestBackend backend = backend(id);
        define(service, ServiceLimits.DEFAULTS);
        services.setEndpoints(service, List.of(backend.endpoint()));
        return backend;
    }

    /** Closes {@code resource} when the router is closed, after the router itself. */
    <T extends AutoCloseable> T closing(T resource) {
        owned.add(resource);
        return resource;
    }

    /** Defines a service whose demand and failure signals are recorded. */
    void define(String name, ServiceLimits limits) {
        services.define(name, limits, demands::add, (ep, t) -> failures.add(ep));
    }

    HttpRequest.Builder request(String service, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Host", service + ".localhost:" + port)
                .timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> get(String service, String path) throws Exception {
        return send(request(service, path).GET());
    }

    /** POSTs {@code body} to the service's {@code /}. */
    HttpResponse<String> post(String service, String body) throws Exception {
        return send(request(service, "/").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Nothing of the service waits in the router or is being proxied. */
    void assertIdle(String service) {
        assertThat(queued(service)).as("queued").isZero();
        assertThat(inFlight(service)).as("in flight").isZero();
    }

    static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    int queued(String service) {
        ServiceLoad l = server.snapshot(service);
        return l == null ? 0 : l.queued();
    }

    int inFlight(String service) {
        ServiceLoad l = server.snapshot(service);
        return l == null ? 0 : l.inFlight();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    @Override
    public void close() {
        server.close();
        // Not close(): it waits for every open WebSocket and request, and a test's leftover one would hang the run.
        http.shutdownNow();
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close " + resource, e);
            }
        }
    }
}
