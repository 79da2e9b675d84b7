package example;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** A small HTTP service: a greeting, and a counter at /api/hits. */
public final class Hello {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String greeting = System.getenv().getOrDefault("GREETING", "hello");
        AtomicLong hits = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
        server.createContext("/", exchange -> {
            long n = hits.incrementAndGet();
            String body = exchange.getRequestURI().getPath().equals("/api/hits")
                    ? "{\"hits\":" + n + "}\n"
                    : greeting + " from Java " + Runtime.version().feature() + " on Wisp\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        System.out.println("listening on :" + port);
    }
}
