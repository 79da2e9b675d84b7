package example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP service on the JDK alone: {@code /} greets and names the instance that answered,
 * {@code /hits} counts the requests this instance served.
 */
public final class Hello {
    private static final AtomicLong HITS = new AtomicLong();

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String greeting = System.getenv().getOrDefault("GREETING", "hello");
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        // The guest's hostname resolves (it is in /etc/hosts), so getLocalHost() names the instance.
        server.createContext("/", ex -> reply(ex, greeting + " from Java " + Runtime.version().feature() + " on "
                + InetAddress.getLocalHost().getHostName() + "\n"));
        server.createContext("/hits", ex -> reply(ex, "{\"hits\":" + HITS.get() + "}\n"));
        server.start();
        System.out.println("listening on :" + port);
    }

    private static void reply(HttpExchange ex, String text) throws IOException {
        HITS.incrementAndGet();
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
