package dev.wisp.functions;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wisp.function.Function;
import dev.wisp.function.Request;
import dev.wisp.function.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Java function runtime, run inside the guest by the jlink'd JRE: loads the handler, lets it
 * initialise, calls {@code beforeSnapshot()} and only then listens, so the guest reports ready
 * (and the warm template is taken) with a JVM that has done all its start-up work.
 *
 * <p>Packed into the guest alone with the SDK's classes (see {@link FunctionImages}), so it uses
 * the JDK and the SDK only, and no nested classes (lambdas compile to none).
 */
final class JavaRuntimeMain {
    /** Written by the guest agent after each restore with a fresh token (docs/guest-protocol.md). */
    static final Path GENERATION = Path.of("/run/wisp-generation");

    static final int MAX_BODY = 1 << 20;
    static final int PRIMING_REQUESTS = 20;

    private final Function function;
    private volatile String generation;

    private JavaRuntimeMain(Function function) {
        this.function = function;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: JavaRuntimeMain PORT HANDLER_JAR CLASS");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        long t0 = System.nanoTime();
        ClassLoader loader = new URLClassLoader(
                new URL[] {Path.of(args[1]).toUri().toURL()}, JavaRuntimeMain.class.getClassLoader());
        Function fn = loader.loadClass(args[2])
                .asSubclass(Function.class)
                .getConstructor()
                .newInstance();
        fn.beforeSnapshot();
        JavaRuntimeMain runtime = new JavaRuntimeMain(fn);
        runtime.generation = readGeneration();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        prime(executor);
        System.out.printf("wisp-java-runtime: %s ready in %d ms%n", args[2], (System.nanoTime() - t0) / 1_000_000);
        // Listening on the port is what tells the guest init we are ready: the snapshot follows.
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 128);
        server.setExecutor(executor);
        server.createContext("/", ex -> runtime.serve(ex, runtime.function, true));
        server.start();
    }

    /**
     * Serves {@value #PRIMING_REQUESTS} requests to a built-in function on a loopback port before
     * the real port opens, so the snapshot holds a JVM that has already loaded, linked and run the
     * whole request path (HTTP server, virtual threads, Request/Response, SecureRandom): measured under TCG, a
     * clone's first answer took about 3 s without this. The user's handler is not called: its own
     * warm-up belongs in its constructor or beforeSnapshot().
     */
    private static void prime(ExecutorService executor) throws IOException {
        HttpServer warm = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        warm.setExecutor(executor);
        JavaRuntimeMain primer =
                new JavaRuntimeMain(r -> Response.text("primed " + r.bodyText().length()));
        warm.createContext("/", ex -> primer.serve(ex, primer.function, false));
        warm.start();
        byte[] request = ("POST /prime?x=1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 5\r\nConnection: close\r\n\r\nhello")
                .getBytes(StandardCharsets.ISO_8859_1);
        try {
            for (int i = 0; i < PRIMING_REQUESTS; i++) {
                try (Socket s = new Socket(
                        InetAddress.getLoopbackAddress(), warm.getAddress().getPort())) {
                    s.getOutputStream().write(request);
                    s.getInputStream().readAllBytes();
                }
            }
        } finally {
            warm.stop(0);
        }
        // The JDK's default generator is what afterRestore() hooks reseed with: load it now.
        new SecureRandom().nextBytes(new byte[8]);
    }

    private void serve(HttpExchange ex, Function fn, boolean checkRestore) throws IOException {
        try (ex) {
            Response response;
            try {
                if (checkRestore) {
                    checkRestored();
                }
                response = fn.handle(toRequest(ex));
            } catch (BodyTooLarge e) {
                response =
                        new Response(413, "text/plain", "request body over 1 MiB\n".getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                String msg = "handler failed: " + e + "\n";
                System.err.print(msg);
                response = new Response(500, "text/plain", msg.getBytes(StandardCharsets.UTF_8));
            }
            ex.getResponseHeaders().set("Content-Type", response.contentType());
            byte[] body = response.body();
            ex.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** Runs {@code afterRestore()} once per new generation token, before the clone's first request. */
    private void checkRestored() throws Exception {
        String now = readGeneration();
        if (now.equals(generation)) {
            return;
        }
        synchronized (this) {
            if (!now.equals(generation)) {
                function.afterRestore();
                generation = now;
            }
        }
    }

    private static String readGeneration() throws IOException {
        try {
            return Files.readString(GENERATION).strip();
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static Request toRequest(HttpExchange ex) throws IOException {
        Map<String, List<String>> headers = new HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new BodyTooLarge();
        }
        String query = ex.getRequestURI().getRawQuery();
        return new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), query, headers, body);
    }

    /** Thrown by body reading; a top-level class would need packing too, so it is the one nested type. */
    static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("request body over 1 MiB");
        }
    }
}
