package dev.wisp.router;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback listener that reads each request head and holds it, the connection open and silent,
 * until {@link #answer()}: then it answers "hello from ID". Never answered, it is a guest killed
 * behind a TAP device, whose connections get neither a reset nor a byte.
 */
final class HeldBackend extends RawBackend {
    /** Request heads read and held. */
    final AtomicInteger held = new AtomicInteger();

    private final CountDownLatch answer = new CountDownLatch(1);

    HeldBackend(String id) throws IOException {
        super(id);
    }

    /** Answers the held requests and every later one. */
    void answer() {
        answer.countDown();
    }

    @Override
    void serve(Socket s) {
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
            if (readHead(in) == null) {
                return;
            }
            held.incrementAndGet();
            answer.await();
            answerOk(out, "hello from " + id, true);
        } catch (IOException e) {
            // the router closed first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        answer.countDown();
        super.close();
    }
}
