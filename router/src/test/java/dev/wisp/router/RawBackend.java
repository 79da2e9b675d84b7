package dev.wisp.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A socket-level test backend: a {@link RawListener} serving each connection with {@link #serve},
 * and the few pieces of HTTP/1.1 these backends speak by hand.
 */
abstract class RawBackend implements AutoCloseable {
    final String id;
    private final RawListener listener;

    /** @param id the router's id of this backend's endpoint */
    RawBackend(String id) throws IOException {
        this.id = id;
        // serve() runs only for a connection, and a test connects once it has the endpoint: after construction.
        this.listener = new RawListener(this::serve);
    }

    /** Serves one accepted connection, on its own virtual thread, and closes it. */
    abstract void serve(Socket s);

    Endpoint endpoint() {
        return listener.endpoint(id);
    }

    @Override
    public void close() {
        listener.close();
    }

    /** Reads a request head through its blank line; null if the connection ends first. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    /** The head's Content-Length, 0 without one. */
    static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).strip());
            }
        }
        return 0;
    }

    /** Writes a 200 answer with {@code body}, saying {@code Connection: close} if {@code close}. */
    static void answerOk(OutputStream out, String body, boolean close) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\n"
                        + (close ? "Connection: close\r\n" : "") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }
}
