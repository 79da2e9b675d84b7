package dev.wisp.router;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback listener that accepts, reads a request head and closes the connection without a
 * byte of answer: an instance whose VM died with the request inside it.
 */
final class DroppingBackend implements AutoCloseable {
    final String id;
    /** Request heads read (and dropped). */
    final AtomicInteger dropped = new AtomicInteger();

    private final RawListener listener;

    DroppingBackend(String id) throws IOException {
        this.id = id;
        listener = new RawListener(this::drop);
    }

    Endpoint endpoint() {
        return listener.endpoint(id);
    }

    private void drop(Socket s) {
        try (s;
                InputStream in = s.getInputStream()) {
            int matched = 0;
            for (int b; (b = in.read()) >= 0; ) {
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == 4) {
                    dropped.incrementAndGet();
                    return;
                }
            }
        } catch (IOException e) {
            // the router closed first
        }
    }

    @Override
    public void close() {
        listener.close();
    }
}
