package dev.wisp.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * QEMU Machine Protocol over the VM's Unix socket: JSON commands answered by id, and events
 * handed to listeners. One reader thread per VM; commands may come from any thread.
 */
final class QmpClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final Duration commandTimeout;
    private volatile boolean closed;

    private QmpClient(SocketChannel channel, Duration commandTimeout) {
        this.channel = channel;
        this.commandTimeout = commandTimeout;
    }

    /**
     * Connects once QEMU has created its socket, reads the greeting and leaves negotiation mode.
     * Gives up when {@code alive} turns false (the process died) or the deadline passes.
     */
    static QmpClient connect(Path socket, Duration timeout, java.util.function.BooleanSupplier alive)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel ch = null;
        while (ch == null) {
            if (Files.exists(socket)) {
                try {
                    ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    ch.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    if (ch != null) {
                        ch.close();
                    }
                    ch = null;
                }
            }
            if (ch == null) {
                if (!alive.getAsBoolean()) {
                    throw new IOException("VMM exited before its control socket opened");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("no QMP socket at " + socket + " after " + timeout.toMillis() + " ms");
                }
                sleepBriefly();
            }
        }
        QmpClient client = new QmpClient(ch, Duration.ofSeconds(30));
        client.start();
        client.execute("qmp_capabilities", Map.of());
        return client;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(0, 500_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void start() throws IOException {
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        String greeting = reader.readLine();
        if (greeting == null || !greeting.contains("QMP")) {
            throw new IOException("not a QMP greeting: " + greeting);
        }
        // A platform thread: it wakes sooner than a virtual one when vCPU threads keep the cores busy.
        Thread.ofPlatform().daemon().name("qmp-reader").start(() -> readLoop(reader));
    }

    private void readLoop(BufferedReader reader) {
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode msg = JSON.readTree(line);
                if (msg.has("event")) {
                    eventListeners.forEach(l -> l.accept(msg));
                } else if (msg.has("id")) {
                    CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asText());
                    if (f != null) {
                        f.complete(msg);
                    }
                }
            }
        } catch (IOException e) {
            // The VMM went away; pending callers learn it below.
        } finally {
            closed = true;
            IOException gone = new IOException("QMP connection closed (VMM exited)");
            pending.values().forEach(f -> f.completeExceptionally(gone));
            pending.clear();
        }
    }

    void onEvent(Consumer<JsonNode> listener) {
        eventListeners.add(listener);
    }

    /** Runs one command and returns its {@code return} value; QEMU's error becomes a {@link QmpException}. */
    JsonNode execute(String command, Map<String, ?> arguments) throws IOException {
        if (closed) {
            throw new IOException("QMP connection closed (VMM exited)");
        }
        String id = Long.toString(ids.incrementAndGet());
        ObjectNode req = JSON.createObjectNode().put("execute", command).put("id", id);
        if (!arguments.isEmpty()) {
            req.set("arguments", JSON.valueToTree(arguments));
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        byte[] bytes = (req + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (channel) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
        JsonNode reply;
        try {
            reply = answer.get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for QMP " + command, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            pending.remove(id);
            throw new IOException("QMP " + command + " got no answer in " + commandTimeout.toSeconds() + " s");
        }
        if (reply.has("error")) {
            throw new QmpException(command, reply.get("error").path("desc").asText(reply.get("error").toString()));
        }
        return reply.path("return");
    }

    JsonNode execute(String command) throws IOException {
        return execute(command, Map.of());
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a socket to a dead VMM has nothing left to report.
        }
    }

    /** QEMU refused a command. */
    static final class QmpException extends IOException {
        private static final long serialVersionUID = 1L;

        QmpException(String command, String desc) {
            super("QMP " + command + " failed: " + desc);
        }
    }
}
