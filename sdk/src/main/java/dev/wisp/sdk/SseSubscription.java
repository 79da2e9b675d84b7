package dev.wisp.sdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reads {@code text/event-stream} on its own thread and reconnects with {@code Last-Event-ID} when the
 * stream ends or fails, backing off from the server's {@code retry:} (or the client's delay) up to 30 s.
 * Authorization and not-found answers end the subscription: retrying cannot fix them.
 */
final class SseSubscription implements EventSubscription {
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final EventCalls calls;
    private final Consumer<Event> onEvent;
    private final Consumer<Throwable> onError;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile String lastEventId;
    private volatile InputStream current;
    private Duration retry;

    /** @param calls the stream's requests, transport and first reconnect delay */
    SseSubscription(EventCalls calls, String lastEventId, Consumer<Event> onEvent, Consumer<Throwable> onError) {
        this.calls = calls;
        this.lastEventId = lastEventId;
        this.retry = calls.reconnectDelay();
        this.onEvent = onEvent;
        this.onError = onError;
        this.thread = Thread.ofPlatform().daemon().name("wisp-events").unstarted(this::run);
    }

    SseSubscription start() {
        thread.start();
        return this;
    }

    @Override
    public String lastEventId() {
        return lastEventId;
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing only unblocks the reader
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        Duration backoff = retry;
        while (!closed) {
            boolean received = false;
            try {
                HttpResponse<InputStream> rsp =
                        calls.t().http().send(calls.request(lastEventId), HttpResponse.BodyHandlers.ofInputStream());
                if (rsp.statusCode() != 200) {
                    WispApiException e;
                    try (InputStream body = rsp.body()) {
                        e = calls.t().error(rsp.statusCode(), body.readNBytes(64 * 1024));
                    }
                    if (rsp.statusCode() == 401 || rsp.statusCode() == 403 || rsp.statusCode() == 404) {
                        report(e);
                        return;
                    }
                    throw e;
                }
                current = rsp.body();
                connected = true;
                received = read(rsp.body());
                connected = false;
                if (!closed) {
                    report(new IOException("event stream ended; reconnecting"));
                }
            } catch (IOException | RuntimeException e) {
                connected = false;
                if (closed) {
                    return;
                }
                report(e);
            } catch (InterruptedException e) {
                return;
            }
            backoff = received ? retry : min(backoff.multipliedBy(2), MAX_BACKOFF);
            try {
                Thread.sleep(received ? retry : backoff);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** @return true if at least one event arrived */
    private boolean read(InputStream in) throws IOException {
        boolean any = false;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder data = new StringBuilder();
        String id = null;
        String line;
        while (!closed && (line = r.readLine()) != null) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    any |= dispatch(id, data.toString());
                }
                data.setLength(0);
                id = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(value);
                }
                case "id" -> id = value;
                case "retry" -> {
                    try {
                        retry = Duration.ofMillis(Long.parseLong(value.strip()));
                    } catch (NumberFormatException ignored) {
                        // the SSE spec says: ignore a bad retry field
                    }
                }
                default -> {}
            }
        }
        return any;
    }

    private boolean dispatch(String id, String data) {
        Event e;
        try {
            e = WispJson.mapper().readValue(data, Event.class);
        } catch (IOException ex) {
            report(new IOException("unreadable event: " + data, ex));
            return false;
        }
        if (id != null && !id.isEmpty()) {
            lastEventId = id;
        } else if (e.seq() != null) {
            lastEventId = Long.toString(e.seq());
        }
        if (!closed) {
            onEvent.accept(e);
        }
        return true;
    }

    private void report(Throwable t) {
        if (!closed && onError != null) {
            onError.accept(t);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
