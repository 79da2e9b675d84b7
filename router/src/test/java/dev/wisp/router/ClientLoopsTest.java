package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClientLoopsTest {
    @RegisterExtension
    final TestRouter router = new TestRouter(); // two event loops

    @Test
    void loneConnections_areServedByTheAcceptingLoop_andManySpreadEvenly() throws Exception {
        router.serving("hello", "vm-1");
        int[] first;
        try (RawHttp c = served()) {
            first = router.server.clientsPerLoop();
        }
        assertThat(Arrays.stream(first).sum()).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            awaitNoClients();
            try (RawHttp c = served()) {
                assertThat(router.server.clientsPerLoop())
                        .as("a lone connection stays on the loop that accepted it")
                        .containsExactly(first);
            }
        }
        awaitNoClients();
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(served());
            }
            assertThat(router.server.clientsPerLoop()).containsExactly(2, 2);
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
        awaitNoClients();
    }

    /** A keep-alive connection that has had one request answered (so it was accepted and counted). */
    private RawHttp served() throws IOException {
        RawHttp c = new RawHttp(router.port);
        c.send("GET / HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
        return c;
    }

    private void awaitNoClients() throws InterruptedException {
        TestRouter.await(
                () -> Arrays.stream(router.server.clientsPerLoop()).sum() == 0,
                "closed client connections counted off their loops");
    }
}
