package dev.wisp.runtime.qemu;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * QEMU Machine Protocol over the VM's Unix socket, spoken synchronously: the calling thread
 * writes a command and reads lines until its answer, skipping asynchronous events (Wisp polls
 * state instead of waiting for events).
 *
 * <p>Why no reader thread: right after {@code cont} the guest's vCPU thread takes a core, and on
 * a small host every extra thread hop between QEMU's answer and the caller costs a scheduler
 * slice (about 1 ms measured on two cores). A wedged VMM cannot block a caller forever: one
 * sweep a second closes the socket of any command that overstays {@link #COMMAND_TIMEOUT}. (A
 * timer per command would wake the timer thread on every command, the same cost again.)
 */
final class QmpClient implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<QmpClient> OPEN = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qmp-watchdog");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCHDOG.scheduleWithFixedDelay(QmpClient::sweep, 1, 1, TimeUnit.SECONDS);
    }

    /** A command {@link #send sent} whose answer is not read yet, or null; guarded by this object. */
    private String sent;

    /** nanoTime when the command in progress started, 0 when idle. */
    private volatile long commandSince;

    private volatile boolean timedOut;

    private final SocketChannel channel;
    private final BufferedReader reader;
    private volatile boolean closed;

    private QmpClient(SocketChannel channel) {
        OPEN.add(this);
        this.channel = channel;
        this.reader =
                new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    /**
     * Connects once QEMU has created its socket, reads the greeting and leaves negotiation mode.
     * Gives up when {@code alive} turns false (the process died) or the deadline passes.
     */
    static QmpClient connect(Path socket, Duration timeout, BooleanSupplier alive) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(socket)) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    QmpClient client = new QmpClient(ch);
                    client.greet();
                    return client;
                } catch (IOException e) {
                    ch.close();
                }
            }
            if (!alive.getAsBoolean()) {
                throw new IOException("VMM exited before its control socket opened");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no QMP socket at " + socket + " after " + timeout.toMillis() + " ms");
            }
            // Short naps, not a spin: QEMU needs the core to start up.
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    private void greet() throws IOException {
        String greeting = reader.readLine();
        if (greeting == null || !greeting.contains("QMP")) {
            throw new IOException("not a QMP greeting: " + greeting);
        }
        execute("qmp_capabilities");
    }

    /** Runs one command and returns its {@code return} value; QEMU's error becomes a {@link QmpException}. */
    synchronized JsonNode execute(String command, Map<String, ?> arguments) throws IOException {
        if (sent != null) {
            answerOf(sent); // a command sent ahead answers first: its answer, or its error, comes now
        }
        write(command, arguments);
        return answerOf(command);
    }

    /**
     * Writes a command without waiting for its answer, for a caller that must not block (a
     * router event loop): a few bytes to a local socket. {@link #complete} (or the next {@link
     * #execute}) reads the answer; until then the watchdog times the command as usual.
     */
    synchronized void send(String command) throws IOException {
        if (sent != null) {
            throw new IOException("QMP " + sent + " is still awaiting its answer");
        }
        write(command, Map.of());
        sent = command;
    }

    /** The answer of {@code command} if it was {@link #send sent} ahead, else {@link #execute}s it now. */
    synchronized JsonNode complete(String command) throws IOException {
        return command.equals(sent) ? answerOf(command) : execute(command);
    }

    private void write(String command, Map<String, ?> arguments) throws IOException {
        if (closed) {
            throw new IOException("QMP connection closed (VMM exited)");
        }
        ObjectNode req = JSON.createObjectNode().put("execute", command);
        if (!arguments.isEmpty()) {
            req.set("arguments", JSON.valueToTree(arguments));
        }
        ByteBuffer buf = ByteBuffer.wrap((req + "\n").getBytes(StandardCharsets.UTF_8));
        commandSince = System.nanoTime();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            commandSince = 0;
            throw e;
        }
    }

    /** Reads the answer to {@code command}, written last; QEMU's error becomes a {@link QmpException}. */
    private JsonNode answerOf(String command) throws IOException {
        sent = null;
        try {
            while (true) {
                String line = reader.readLine();
                if (line == null) {
                    closed = true;
                    throw new IOException(
                            timedOut
                                    ? "QMP " + command + " got no answer in " + COMMAND_TIMEOUT.toSeconds() + " s"
                                    : "QMP connection closed (VMM exited)");
                }
                if (line.isBlank() || line.startsWith("{\"event\"") || line.startsWith("{\"timestamp\"")) {
                    continue;
                }
                JsonNode reply = JSON.readTree(line);
                if (reply.has("event")) {
                    continue;
                }
                if (reply.has("error")) {
                    throw new QmpException(
                            command,
                            reply.get("error")
                                    .path("desc")
                                    .asText(reply.get("error").toString()));
                }
                return reply.path("return");
            }
        } catch (IOException e) {
            if (timedOut && !(e instanceof QmpException)) {
                throw new IOException("QMP " + command + " got no answer in " + COMMAND_TIMEOUT.toSeconds() + " s", e);
            }
            throw e;
        } finally {
            commandSince = 0;
        }
    }

    JsonNode execute(String command) throws IOException {
        return execute(command, Map.of());
    }

    private static void sweep() {
        long now = System.nanoTime();
        for (QmpClient c : OPEN) {
            long since = c.commandSince;
            if (since != 0 && now - since > COMMAND_TIMEOUT.toNanos()) {
                c.timedOut = true;
                c.close();
            }
        }
    }

    @Override
    public void close() {
        OPEN.remove(this);
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
