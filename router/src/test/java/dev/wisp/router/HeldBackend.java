package dev.wisp.router;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback listener that reads each request head and holds it, the connection open and silent,
 * until {@link #answer()}: then it answers "hello from ID". Never answered, it is a guest killed
 * behind a TAP device, whose connections get neither a reset nor a byte.
 */
final class HeldBackend implements AutoCloseable {
    final String id;
    /** Request heads read and held. */
    final AtomicInteger held = new AtomicInteger();

    private final CountDownLatch answer = new CountDownLatch(1);
    private final RawListener listener;

    HeldBackend(String id) throws IOException {
        this.id = id;
        listener = new RawListener(this::hold);
    }

    Endpoint endpoint() {
        return listener.endpoint(id);
    }

    /** Answers the held requests and every later one. */
    void answer() {
        answer.countDown();
    }

    private void hold(Socket s) {
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
            int matched = 0;
            for (int b; (b = in.read()) >= 0; ) {
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == 4) {
                    break;
                }
            }
            if (matched != 4) {
                return;
            }
            held.incrementAndGet();
            answer.await();
            byte[] body = ("hello from " + id).getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the router closed first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        answer.countDown();
        listener.close();
    }
}
