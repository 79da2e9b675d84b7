package dev.wisp.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * The node's small admin endpoint on loopback: {@code GET /metrics} (Prometheus text: router and
 * node series) and {@code GET /v1/services} (JSON status). Low traffic, so the JDK's own server;
 * the data path is the router's.
 */
public final class AdminServer implements AutoCloseable {
    /** Instants as ISO-8601 text (the JDK's time types need no extra Jackson module this way). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

    private final HttpServer server;

    private AdminServer(HttpServer server) {
        this.server = server;
    }

    /** Serves {@code node}'s metrics and status on {@code host:port} (0 picks a port). */
    public static AdminServer start(Node node, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4", node.scrape()));
        server.createContext(
                "/v1/services", ex -> reply(ex, 200, "application/json", JSON.writeValueAsString(node.services())));
        server.createContext(
                "/",
                ex -> reply(
                        ex,
                        404,
                        "application/json",
                        "{\"code\":\"not_found\",\"message\":\"try /metrics or /v1/services\"}"));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return new AdminServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!"GET".equals(ex.getRequestMethod())) {
            status = 405;
            bytes = "{\"code\":\"method_not_allowed\",\"message\":\"GET only\"}".getBytes(StandardCharsets.UTF_8);
            type = "application/json";
        }
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
