package dev.wisp.router;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** A router on an ephemeral loopback port over a {@link ServiceTable}, plus client helpers. */
final class TestRouter implements AutoCloseable {
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
        return http.send(request(service, path).GET().build(), HttpResponse.BodyHandlers.ofString());
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
    public void close() {
        server.close();
        http.close();
    }
}
