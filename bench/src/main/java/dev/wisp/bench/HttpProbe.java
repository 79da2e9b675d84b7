package dev.wisp.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The client both sides of every benchmark are timed with: a plain socket sending one
 * {@code GET} and reading the status line, retried every millisecond until it answers 200.
 * Plain on purpose: no client start-up cost or pool inflates either side.
 */
final class HttpProbe {
    private static final byte[] REQUEST_TEMPLATE =
            "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final int MAX_OUTSTANDING = 16;
    private static final long STALL_MILLIS = 10;

    private HttpProbe() {}

    /**
     * Waits for a 200 from {@code 127.0.0.1:port}; returns the nanoTime when it came, or -1 at the
     * deadline. Attempts run one after another, 1 ms apart, except that an attempt silent for
     * {@value #STALL_MILLIS} ms gets company: before the guest's network is up, user-mode
     * networking accepts a connection and holds it silent for seconds, and waiting that out
     * would report late. At most {@value #MAX_OUTSTANDING} attempts are open at once (the oldest
     * silent one is dropped for a new one), so the probe never floods a guest that is just
     * waking up; an app must send its first byte within about 160 ms of a request to be seen.
     */
    static long awaitOk(int port, String path, long deadlineNanos) {
        byte[] request = String.format(new String(REQUEST_TEMPLATE, StandardCharsets.US_ASCII), path)
                .getBytes(StandardCharsets.US_ASCII);
        AtomicLong answeredAt = new AtomicLong(-1);
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        List<Socket> open = new CopyOnWriteArrayList<>();
        try {
            while (answeredAt.get() < 0 && System.nanoTime() < deadlineNanos) {
                boolean idle = outstanding.availablePermits() == MAX_OUTSTANDING;
                boolean stalled = System.nanoTime() - lastProgress.get() > STALL_MILLIS * 1_000_000L;
                if (stalled && outstanding.availablePermits() == 0 && !open.isEmpty()) {
                    // All attempts are held silent: give up the oldest so a fresh one can try.
                    closeQuietly(open.getFirst());
                }
                if ((idle || stalled) && outstanding.tryAcquire()) {
                    lastProgress.set(System.nanoTime());
                    Thread.ofVirtual().start(() -> {
                        try {
                            if (ok(port, request, open)) {
                                answeredAt.compareAndSet(-1, System.nanoTime());
                            }
                        } finally {
                            lastProgress.set(System.nanoTime());
                            outstanding.release();
                        }
                    });
                }
                LockSupport.parkNanos(1_000_000L);
            }
        } finally {
            open.forEach(HttpProbe::closeQuietly);
        }
        return answeredAt.get();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Abandoned attempt.
        }
    }

    /**
     * Times one GET with the given Host header, as a client sees it: connect, request, whole
     * response. Fails unless the answer is 200.
     */
    static long timeGet(int port, String host, String path) throws IOException {
        Timed t = timedGet(port, host, path);
        return t.endNanos() - t.startNanos();
    }

    private static final int STATUS_LINE = "HTTP/1.x 200".length();

    /**
     * When a GET began, when its status line had come (the first answer, which is what the raw
     * baselines time) and when the whole response had, as {@link System#nanoTime()} values.
     */
    record Timed(long startNanos, long answeredNanos, long endNanos) {
        /** To the first answer. */
        double millis() {
            return (answeredNanos - startNanos) / 1e6;
        }

        /** To the end of the whole response. */
        double wholeMillis() {
            return (endNanos - startNanos) / 1e6;
        }
    }

    /** {@link #timeGet}, with the start and end as marks to line up with the platform's. */
    static Timed timedGet(int port, String host, String path) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(120_000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] status = in.readNBytes(STATUS_LINE);
            long answered = System.nanoTime();
            String all =
                    new String(status, StandardCharsets.UTF_8) + new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!all.startsWith("HTTP/1.") || !all.substring(9).startsWith("200")) {
                throw new IOException("expected 200 from " + host + path + ", got: "
                        + all.lines().findFirst().orElse(""));
            }
            return new Timed(t0, answered, System.nanoTime());
        }
    }

    /** One GET; the whole body as text, or null if there was no 200. */
    static String get(int port, String path) {
        byte[] request = String.format(new String(REQUEST_TEMPLATE, StandardCharsets.US_ASCII), path)
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!all.startsWith("HTTP/1.") || !all.substring(9).startsWith("200")) {
                return null;
            }
            // CGI scripts often end their headers with bare newlines; accept both.
            int crlf = all.indexOf("\r\n\r\n");
            int lf = all.indexOf("\n\n");
            if (crlf >= 0 && (lf < 0 || crlf < lf)) {
                return all.substring(crlf + 4);
            }
            return lf < 0 ? "" : all.substring(lf + 2);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean ok(int port, byte[] request, List<Socket> open) {
        try (Socket s = new Socket()) {
            open.add(s);
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] status = in.readNBytes(12);
            return status.length == 12 && new String(status, StandardCharsets.US_ASCII).matches("HTTP/1\\.[01] 200");
        } catch (IOException e) {
            return false;
        } finally {
            open.removeIf(x -> x.isClosed());
        }
    }
}
