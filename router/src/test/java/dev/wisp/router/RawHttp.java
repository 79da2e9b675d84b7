package dev.wisp.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Minimal HTTP/1.1 over a raw socket, for what the JDK client hides (pipelining, hang-ups). */
final class RawHttp implements AutoCloseable {
    record Response(int status, Map<String, String> headers, String body) {}

    final Socket socket;
    private final InputStream in;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    Response read() throws IOException {
        return read(null);
    }

    /** Reads one response; with a sink, the body streams into it and {@code body()} is empty. */
    Response read(java.io.OutputStream sink) throws IOException {
        String status = line();
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; !(l = line()).isEmpty(); ) {
            int c = l.indexOf(':');
            headers.put(
                    l.substring(0, c).trim().toLowerCase(Locale.ROOT),
                    l.substring(c + 1).trim());
        }
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        java.io.OutputStream body = sink != null ? sink : collected;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            byte[] buf = new byte[65536];
            for (int n; (n = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                while (n > 0) {
                    int k = in.read(buf, 0, Math.min(n, buf.length));
                    if (k < 0) {
                        throw new IOException("closed inside a chunk");
                    }
                    body.write(buf, 0, k);
                    n -= k;
                }
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if (code != 101 && code != 204 && code != 304) {
            body.write(in.readAllBytes());
        }
        return new Response(code, headers, collected.toString(StandardCharsets.UTF_8));
    }

    /** -1 on EOF. */
    int readByte() throws IOException {
        return in.read();
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        if (c == -1 && b.isEmpty()) {
            throw new IOException("connection closed");
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
