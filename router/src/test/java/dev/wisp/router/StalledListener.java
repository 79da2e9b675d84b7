package dev.wisp.router;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback listener with a backlog of one whose accept queue is full: the kernel drops new
 * SYNs, so connecting to it times out although it is alive. That is QEMU's user-networking
 * host forward under a burst of new connections while the VMM's main loop is busy. After
 * {@link #catchUp()} it accepts and answers every request with "hello from ID".
 */
final class StalledListener implements AutoCloseable {
    final String id;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    StalledListener(String id) throws IOException {
        this.id = id;
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(server.getLocalSocketAddress(), 200);
                sockets.add(filler);
            } catch (SocketTimeoutException full) {
                filler.close();
                return;
            }
        }
        close();
        throw new IllegalStateException("the accept queue of a backlog-1 listener never filled");
    }

    Endpoint endpoint() {
        return new Endpoint(id, "127.0.0.1", server.getLocalPort());
    }

    /** Starts accepting: the queued connections (which send nothing) and every later one. */
    void catchUp() {
        Thread.ofVirtual().start(() -> {
            while (!closed) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void serve(Socket s) {
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
            for (; ; ) {
                String head = RawBackend.readHead(in);
                if (head == null) {
                    return;
                }
                in.skipNBytes(RawBackend.contentLength(head));
                RawBackend.answerOk(out, "hello from " + id, false);
            }
        } catch (IOException e) {
            // the router or the test closed the connection
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
