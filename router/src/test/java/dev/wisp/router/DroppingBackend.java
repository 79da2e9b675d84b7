package dev.wisp.router;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback listener that accepts, reads a request head and closes the connection without a
 * byte of answer: an instance whose VM died with the request inside it.
 */
final class DroppingBackend extends RawBackend {
    /** Request heads read (and dropped). */
    final AtomicInteger dropped = new AtomicInteger();

    DroppingBackend(String id) throws IOException {
        super(id);
    }

    @Override
    void serve(Socket s) {
        try (s;
                InputStream in = s.getInputStream()) {
            if (readHead(in) != null) {
                dropped.incrementAndGet();
            }
        } catch (IOException e) {
            // the router closed first
        }
    }
}
