package dev.wisp.router;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/** A raw-socket WebSocket echo server (RFC 6455 handshake, unmasks and echoes frames). */
final class WebSocketEchoBackend extends RawBackend {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    WebSocketEchoBackend() throws IOException {
        super("ws-1");
    }

    @Override
    void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            String key = null;
            String upgrade = null;
            for (String line; !(line = readLine(in)).isEmpty(); ) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                } else if (lower.startsWith("upgrade:")) {
                    upgrade = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            if (key == null || !"websocket".equalsIgnoreCase(upgrade)) {
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    return;
                }
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                byte[] mask = new byte[4];
                if ((b1 & 0x80) != 0) {
                    in.readFully(mask);
                }
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
                int opcode = b0 & 0x0f;
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                frame.write(0x80 | (opcode == 9 ? 10 : opcode));
                if (payload.length < 126) {
                    frame.write(payload.length);
                } else {
                    frame.write(126);
                    frame.write(payload.length >>> 8);
                    frame.write(payload.length & 0xff);
                }
                frame.write(payload);
                out.write(frame.toByteArray());
                out.flush();
                if (opcode == 8) {
                    return;
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static String accept(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
