package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.image.Image;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restored guest answers a new connection from a host port it served before its snapshot
 * (docs/vmm.md, "Seconds-long wakes"). Under user networking the guest sees the host client's
 * port, and the restoring VMM's sequence numbers start over below the old connections': a guest
 * still holding such a connection in TIME_WAIT answered the new SYN with the old connection's
 * ACK, the VMM reset it, and the request waited for the SYN's retransmission, 6 s or more.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class RestoredPortReuseTest {
    @RegisterExtension
    final TestRuntime runtime = new TestRuntime();

    @TempDir
    static Path scratch;

    /**
     * Far below the VMM's first SYN retransmission (6 s, its initial timeout) and far above an
     * answer (ms): a bound on the failure's signature, not a timing.
     */
    private static final int READ_TIMEOUT_MS = 4000;

    @Test
    void newConnectionFromAPortUsedBeforeTheSnapshot_answeredWithoutWaitingForARetransmission() throws Exception {
        Image image = TestGuests.webApp(scratch);
        Instance vm = runtime.get().boot("reuse", TestGuests.spec(image));
        try {
            // Enough connections first that the old VMM's sequence numbers are well above where
            // the restoring VMM's start (64000 apart per connection).
            for (int i = 0; i < 40; i++) {
                assertThat(get(vm.hostPort(), 0)).startsWith("HTTP/1.");
            }
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ports.add(getFromPort(vm.hostPort()));
            }
            vm.snapshot(scratch.resolve("snap"));
            vm.restore();
            for (int port : ports) {
                assertThat(get(vm.hostPort(), port))
                        .as("from host port %d, answered before the SYN's retransmission", port)
                        .matches("HTTP/1\\.[01] 200.*");
            }
        } finally {
            vm.stop();
        }
    }

    /** One GET from an OS-chosen port; the port it came from. */
    private static int getFromPort(int vmPort) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), vmPort));
            exchange(s);
            return s.getLocalPort();
        }
    }

    /** One GET from the given local port (0: any); the status line, or the failure. */
    private static String get(int vmPort, int localPort) {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), vmPort));
            return exchange(s);
        } catch (IOException e) {
            return "error " + e;
        }
    }

    private static String exchange(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: reuse\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        int eol = all.indexOf('\r');
        return eol < 0 ? all : all.substring(0, eol);
    }
}
