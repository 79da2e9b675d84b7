package dev.wisp.router;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 backend on loopback (the JDK's HttpServer on virtual threads):
 * <ul>
 *   <li>{@code /} answers "hello from ID"
 *   <li>{@code /echo} streams the request body back as it reads it (chunked)
 *   <li>{@code /digest} answers "LENGTH SHA256HEX" of the request body
 *   <li>{@code /bytes?n=N} streams N bytes of {@link #pattern}
 *   <li>{@code /headers} answers the request headers, one "name: value" line each, lower case
 *   <li>{@code /hold} waits until {@link #releaseHeld()} then answers
 * </ul>
 * It records the remote ports it saw, i.e. the upstream connections the router opened.
 */
final class TestBackend implements AutoCloseable {
    final String id;
    private final HttpServer server;
    final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger holding = new AtomicInteger();
    /** X-Request-Id of each request, in arrival order. */
    final List<String> requestIds = new CopyOnWriteArrayList<>();

    private volatile CountDownLatch hold = new CountDownLatch(1);

    TestBackend(String id) throws IOException {
        this.id = id;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    Endpoint endpoint() {
        return new Endpoint(id, "127.0.0.1", port());
    }

    void releaseHeld() {
        hold.countDown();
    }

    /** Stops listening and drops open connections: later connects are refused. */
    @Override
    public void close() {
        hold.countDown();
        server.stop(0);
    }

    static byte pattern(long i) {
        return (byte) ((i * 31 + (i >>> 8)) & 0xff);
    }

    private void handle(HttpExchange ex) throws IOException {
        connections.add(ex.getRemoteAddress().getPort());
        requests.incrementAndGet();
        requestIds.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Request-Id")));
        String path = ex.getRequestURI().getPath();
        try (ex) {
            switch (path) {
                case "/echo" -> {
                    ex.sendResponseHeaders(200, 0);
                    try (InputStream in = ex.getRequestBody();
                            OutputStream out = ex.getResponseBody()) {
                        in.transferTo(out);
                    }
                }
                case "/digest" -> {
                    java.security.MessageDigest md;
                    try {
                        md = java.security.MessageDigest.getInstance("SHA-256");
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new IOException(e);
                    }
                    long n = 0;
                    try (InputStream in = ex.getRequestBody()) {
                        byte[] buf = new byte[65536];
                        for (int k; (k = in.read(buf)) > 0; n += k) {
                            md.update(buf, 0, k);
                        }
                    }
                    send(ex, n + " " + java.util.HexFormat.of().formatHex(md.digest()));
                }
                case "/bytes" -> {
                    long n = Long.parseLong(ex.getRequestURI().getQuery().substring(2));
                    ex.sendResponseHeaders(200, n);
                    try (OutputStream out = ex.getResponseBody()) {
                        byte[] buf = new byte[64 * 1024];
                        for (long off = 0; off < n; ) {
                            int len = (int) Math.min(buf.length, n - off);
                            for (int i = 0; i < len; i++) {
                                buf[i] = pattern(off + i);
                            }
                            out.write(buf, 0, len);
                            off += len;
                        }
                    }
                }
                case "/headers" -> {
                    Map<String, String> sorted = new TreeMap<>();
                    ex.getRequestHeaders()
                            .forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                    StringBuilder b = new StringBuilder();
                    sorted.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
                    send(ex, b.toString());
                }
                case "/hold" -> {
                    ex.getRequestBody().readAllBytes();
                    holding.incrementAndGet();
                    try {
                        hold.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        holding.decrementAndGet();
                    }
                    send(ex, "released " + id);
                }
                default -> {
                    ex.getRequestBody().readAllBytes();
                    send(ex, "hello from " + id);
                }
            }
        }
    }

    private static void send(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }
}
