package dev.wisp.functions;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Calls a function through the node's router: one HTTP/1.1 request per connection, addressed by
 * Host {@code NAME.localhost}. A plain socket rather than the JDK's HttpClient, which refuses to
 * set Host unless a JVM-wide system property allows it.
 */
final class RouterClient {
    private static final Set<String> DROPPED = Set.of(
            "host",
            "connection",
            "content-length",
            "transfer-encoding",
            "keep-alive",
            "upgrade",
            "te",
            "trailer",
            "expect");
    private static final int MAX_RESPONSE = 8 << 20;

    private final String host;
    private final int port;

    RouterClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    FunctionResponse call(String function, FunctionCall call, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            s.connect(new InetSocketAddress(host, port), Math.min(ms, 5000));
            s.setSoTimeout(ms);
            StringBuilder head = new StringBuilder();
            head.append(call.method())
                    .append(' ')
                    .append(call.path())
                    .append(" HTTP/1.1\r\n")
                    .append("Host: ")
                    .append(function)
                    .append(".localhost\r\n")
                    .append("Connection: close\r\n")
                    .append("Content-Length: ")
                    .append(call.body().length)
                    .append("\r\n");
            call.headers().forEach((k, v) -> {
                if (!DROPPED.contains(k.toLowerCase(Locale.ROOT))) {
                    head.append(k).append(": ").append(v).append("\r\n");
                }
            });
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(call.body());
            out.flush();
            return read(new BufferedInputStream(s.getInputStream()));
        }
    }

    static FunctionResponse read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null || !status.startsWith("HTTP/1.")) {
            throw new IOException("no HTTP response (connection closed)");
        }
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        String type = "";
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = l.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" ->
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-type" -> type = value;
                default -> {}
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            for (; ; ) {
                String size = line(in);
                if (size == null) {
                    throw new IOException("response ended inside a chunk");
                }
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                if (n == 0) {
                    break;
                }
                if (buf.size() + n > MAX_RESPONSE) {
                    throw new IOException("response over " + MAX_RESPONSE + " bytes");
                }
                buf.write(in.readNBytes(n));
                line(in);
            }
            body = buf.toByteArray();
        } else if (length >= 0) {
            if (length > MAX_RESPONSE) {
                throw new IOException("response over " + MAX_RESPONSE + " bytes");
            }
            body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new IOException("response ended after " + body.length + " of " + length + " bytes");
            }
        } else {
            body = in.readNBytes(MAX_RESPONSE);
        }
        return new FunctionResponse(code, type, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 16384) {
                throw new IOException("response header line too long");
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
