package dev.wisp.router;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, through a {@link TestRouter} to service {@code ws}: for tests that must
 * see the connection end. The JDK's WebSocket client left about 2 in 100 connections in CLOSE-WAIT after the
 * router's FIN without telling its listener, so it cannot show that the router closed a tunnel.
 */
final class RawWebSocketClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocketClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and upgrades; fails unless the router answers 101 within 10 s. */
    static RawWebSocketClient open(TestRouter router) throws IOException {
        Socket s = new Socket("127.0.0.1", router.port);
        s.setSoTimeout(10_000);
        RawWebSocketClient c = new RawWebSocketClient(s);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        c.out.write(("GET /ws-prefix/chat HTTP/1.1\r\nHost: ws.localhost\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(key) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        c.out.flush();
        String head = RawBackend.readHead(c.in);
        if (head == null || !head.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("no 101 from the router: " + head);
        }
        return c;
    }

    /** Sends {@code text} as one masked text frame and returns the text of the next frame back. */
    String echo(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("short texts only");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81; // FIN, text
        frame[1] = (byte) (0x80 | payload.length); // masked, as a client's frames must be
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
        out.flush();
        in.readUnsignedByte(); // FIN and opcode
        int len = in.readUnsignedByte() & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        }
        byte[] back = new byte[len];
        in.readFully(back);
        return new String(back, StandardCharsets.UTF_8);
    }

    /** Whether the router ends the connection (EOF or reset) within {@code limit}, with nothing more to read. */
    boolean endsWithin(Duration limit) throws IOException {
        socket.setSoTimeout((int) limit.toMillis());
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
