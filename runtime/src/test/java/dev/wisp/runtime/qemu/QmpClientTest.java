package dev.wisp.runtime.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against an in-process server speaking QEMU's wire format (the real one is in the VM tests). */
class QmpClientTest {
    @TempDir
    Path dir;

    private final CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static QmpClient connect(Path sock) throws IOException {
        return QmpClient.connect(sock, Duration.ofSeconds(5), () -> true);
    }

    /**
     * A fake QEMU that answers a command line naming {@code command} with {@code answer} (null
     * closes the connection) and every other line with success.
     */
    private Path serve(String command, String answer) throws IOException {
        Path sock = dir.resolve("qmp.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        Thread.ofVirtual().start(() -> {
            try (SocketChannel c = server.accept()) {
                write(c, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}");
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    received.add(line);
                    if (!line.contains(command)) {
                        write(c, "{\"return\": {}}");
                    } else if (answer == null) {
                        return;
                    } else {
                        write(c, answer);
                    }
                }
            } catch (IOException ignored) {
                // The client hung up.
            }
        });
        return sock;
    }

    /** The fake QEMU received the capabilities handshake, then exactly these lines. */
    private void assertSentAfterGreeting(String... lines) {
        assertThat(received).first().isEqualTo("{\"execute\":\"qmp_capabilities\"}");
        assertThat(received.subList(1, received.size())).containsExactly(lines);
    }

    private static void write(SocketChannel c, String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    @Test
    void command_returnsItsReturnValueAndSkipsEvents() throws Exception {
        Path sock = serve(
                "query-status",
                "{\"timestamp\": {\"seconds\": 1}, \"event\": \"RESUME\"}\r\n{\"return\": {\"status\": \"running\"}}");
        try (QmpClient qmp = connect(sock)) {
            assertThat(qmp.execute("query-status").path("status").asText()).isEqualTo("running");
            qmp.execute("migrate-incoming", Map.of("uri", "unix:/x"));
        }
        assertSentAfterGreeting(
                "{\"execute\":\"query-status\"}",
                "{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"unix:/x\"}}");
    }

    @Test
    void qemuError_becomesExceptionWithItsDescription() throws Exception {
        Path sock = serve("cont", "{\"error\": {\"class\": \"GenericError\", \"desc\": \"guest is dead\"}}");
        try (QmpClient qmp = connect(sock)) {
            assertThatThrownBy(() -> qmp.execute("cont"))
                    .isInstanceOf(QmpClient.QmpException.class)
                    .hasMessage("QMP cont failed: guest is dead");
        }
    }

    @Test
    void sentAhead_completeReadsItsAnswerWithoutSendingAgain() throws Exception {
        Path sock = serve("query-status", "{\"return\": {\"status\": \"running\"}}");
        try (QmpClient qmp = connect(sock)) {
            qmp.send("cont");
            qmp.complete("cont");
            assertThat(qmp.execute("query-status").path("status").asText()).isEqualTo("running");
        }
        assertSentAfterGreeting("{\"execute\":\"cont\"}", "{\"execute\":\"query-status\"}");
    }

    @Test
    void sentAheadThenAnotherCommand_readsTheSentAnswerFirst() throws Exception {
        Path sock = serve("query-status", "{\"return\": {\"status\": \"running\"}}");
        try (QmpClient qmp = connect(sock)) {
            qmp.send("cont");
            assertThat(qmp.execute("query-status").path("status").asText()).isEqualTo("running");
            qmp.complete("cont"); // its answer was read: complete runs it again
        }
        assertThat(received).filteredOn(l -> l.contains("cont")).hasSize(2);
    }

    @Test
    void sentAheadAndRefused_completeThrowsQemuError() throws Exception {
        Path sock = serve("cont", "{\"error\": {\"class\": \"GenericError\", \"desc\": \"guest is dead\"}}");
        try (QmpClient qmp = connect(sock)) {
            qmp.send("cont");
            assertThatThrownBy(() -> qmp.send("stop")).hasMessage("QMP cont is still awaiting its answer");
            assertThatThrownBy(() -> qmp.complete("cont")).hasMessage("QMP cont failed: guest is dead");
        }
    }

    @Test
    void vmmGoneMidCommand_clearIOException() throws Exception {
        Path sock = serve("stop", null);
        try (QmpClient qmp = connect(sock)) {
            assertThatThrownBy(() -> qmp.execute("stop"))
                    .isInstanceOf(IOException.class)
                    .hasMessage("QMP connection closed (VMM exited)");
            assertThatThrownBy(() -> qmp.execute("cont")).hasMessage("QMP connection closed (VMM exited)");
        }
    }

    @Test
    void noSocketAndProcessDead_failsFast() {
        assertThatThrownBy(() -> QmpClient.connect(dir.resolve("never.sock"), Duration.ofSeconds(30), () -> false))
                .isInstanceOf(IOException.class)
                .hasMessage("VMM exited before its control socket opened");
    }
}
