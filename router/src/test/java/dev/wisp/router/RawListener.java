package dev.wisp.router;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * A loopback listener that hands each accepted connection to a handler on its own virtual thread:
 * the socket-level backends of these tests (dropping, swallowing, WebSocket echo) build on it.
 */
final class RawListener implements AutoCloseable {
    private final ServerSocket server;

    RawListener(Consumer<Socket> handler) throws IOException {
        server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> handler.accept(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** This listener as the router's endpoint {@code id}. */
    Endpoint endpoint(String id) {
        return new Endpoint(id, "127.0.0.1", server.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
