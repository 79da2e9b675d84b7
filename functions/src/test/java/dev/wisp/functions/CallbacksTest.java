package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Callback delivery against real listeners on loopback: what is sent, what is refused, what the record says. */
class CallbacksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AddressPolicy LOOPBACK_ALLOWED = AddressPolicy.allowing(List.of("127.0.0.1/32"));
    private static final Duration FLOOR = Duration.ofSeconds(1);

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<AutoCloseable> sockets = new CopyOnWriteArrayList<>();
    /** Requests any listener got: "METHOD path id-header body". */
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws Exception {
        servers.forEach(s -> s.stop(0));
        for (AutoCloseable c : sockets) {
            c.close();
        }
    }

    /** A listener on 127.0.0.1 answering {@code status} (with {@code location} if given); returns its port. */
    private int listener(int status, String location) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            received.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " "
                    + ex.getRequestHeaders().getFirst("X-Wisp-Invocation-Id") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (location != null) {
                ex.getResponseHeaders().add("Location", location);
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    private static Invocation done(String callbackUrl) {
        return new Invocation(
                "inv_test",
                "words",
                Invocation.State.SUCCEEDED,
                1,
                200,
                "{\"words\": 2}",
                null,
                "POST",
                "/",
                Map.of(),
                "",
                callbackUrl,
                null,
                0,
                0,
                5);
    }

    private static Callbacks callbacks(AddressPolicy p) {
        return new Callbacks(p, Duration.ofSeconds(2), Duration.ofMillis(500), FLOOR);
    }

    @Test
    void toAnAllowedListener_theResultIsPosted_andTheRecordSaysDelivered() throws Exception {
        int port = listener(204, null);
        String outcome = callbacks(LOOPBACK_ALLOWED).deliver(done("http://127.0.0.1:" + port + "/hook?x=1"));
        assertThat(outcome).isEqualTo("delivered");
        String got = received.poll();
        assertThat(got).startsWith("POST /hook?x=1 inv_test ");
        var posted = JSON.readTree(got.substring("POST /hook?x=1 inv_test ".length()));
        assertThat(posted.path("id").asText()).isEqualTo("inv_test");
        assertThat(posted.path("state").asText()).isEqualTo("succeeded");
        assertThat(posted.path("body").asText()).isEqualTo("{\"words\": 2}");
    }

    @Test
    void atDeliveryTime_aNameResolvingToLoopback_isRefused_andNothingIsSent() throws Exception {
        // As if the name had resolved to a public address when the invocation was accepted, then was rebound.
        int port = listener(204, null);
        for (String url : List.of(
                "http://localhost:" + port + "/",
                "http://127.0.0.1:" + port + "/",
                "http://[::ffff:127.0.0.1]:" + port + "/")) {
            assertThat(callbacks(AddressPolicy.publicOnly()).deliver(done(url)))
                    .as(url)
                    .isEqualTo("not delivered");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void refusedConnection_timeout_401_and500_allReadNotDelivered_noSoonerThanTheFloor() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        sockets.add(silent);
        Thread.ofVirtual().start(() -> {
            while (!silent.isClosed()) {
                try {
                    sockets.add(silent.accept()); // accept, never answer
                } catch (IOException e) {
                    return;
                }
            }
        });
        Map<String, String> urls = Map.of(
                "connection refused", "http://127.0.0.1:" + closed + "/",
                "no answer", "http://127.0.0.1:" + silent.getLocalPort() + "/",
                "HTTP 401", "http://127.0.0.1:" + listener(401, null) + "/",
                "HTTP 500", "http://127.0.0.1:" + listener(500, null) + "/");
        for (Map.Entry<String, String> e : urls.entrySet()) {
            long t0 = System.nanoTime();
            String outcome = callbacks(LOOPBACK_ALLOWED).deliver(done(e.getValue()));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(outcome).as(e.getKey()).isEqualTo("not delivered");
            assertThat(tookMs)
                    .as(e.getKey() + ": reported no sooner than the floor")
                    .isGreaterThanOrEqualTo(FLOOR.toMillis());
        }
        // 401 is an answer: one try; 500 is retried.
        assertThat(received).hasSize(1 + Callbacks.TRIES);
    }

    @Test
    void redirects_areNotFollowed() throws Exception {
        int target = listener(204, null);
        int redirecting = listener(302, "http://127.0.0.1:" + target + "/elsewhere");
        assertThat(callbacks(LOOPBACK_ALLOWED).deliver(done("http://127.0.0.1:" + redirecting + "/")))
                .isEqualTo("not delivered");
        assertThat(received).hasSize(1).allSatisfy(r -> assertThat(r).startsWith("POST / "));
    }

    @Test
    void validate_refusesInternalTargetsAtSubmission_sayingWhy() {
        Map<String, String> refused = Map.of(
                "http://127.0.0.1:8080/done", "127.0.0.1 is a loopback address",
                "http://localhost:7070/v1/tenants", "localhost resolves to a loopback address",
                "http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address",
                "http://10.1.2.3/", "10.1.2.3 is a private address",
                "https://[::ffff:192.168.1.1]/", "192.168.1.1 is a private address",
                "http://[fd00::2]:8080/", "fd00:0:0:0:0:0:0:2 is a private address",
                "http://100.100.100.200/", "100.100.100.200 is a shared (CGNAT) address");
        refused.forEach((url, why) -> assertThatThrownBy(() -> Callbacks.validate(url, AddressPolicy.publicOnly()))
                .as(url)
                .isInstanceOfSatisfying(FunctionException.class, e -> {
                    assertThat(e.code()).isEqualTo(FunctionException.Code.BAD_REQUEST);
                    assertThat(e.getMessage())
                            .isEqualTo("callback URL refused: " + why + "; callbacks go to public addresses only,"
                                    + " unless the operator allows a network (wisp up --allow-callback-net)");
                }));
        assertThatThrownBy(() -> Callbacks.validate("ftp://example.com/", AddressPolicy.publicOnly()))
                .hasMessageContaining("absolute http(s) URL");
        assertThatThrownBy(() -> Callbacks.validate("http://user:pw@8.8.8.8/", AddressPolicy.publicOnly()))
                .hasMessageContaining("must not contain user info");
        assertThat(Callbacks.validate(" http://8.8.8.8/hook ", AddressPolicy.publicOnly()))
                .isEqualTo("http://8.8.8.8/hook");
        assertThat(Callbacks.validate("http://127.0.0.1:8080/done", LOOPBACK_ALLOWED))
                .isEqualTo("http://127.0.0.1:8080/done");
        assertThat(Callbacks.validate(null, AddressPolicy.publicOnly())).isNull();
    }

    @Test
    void aSlowDripReceiver_cannotHoldATryPastItsDeadline() throws Exception {
        ServerSocket drip = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        sockets.add(drip);
        Thread.ofVirtual().start(() -> {
            try (Socket c = drip.accept()) {
                for (int i = 0; i < 600; i++) {
                    c.getOutputStream().write('H'); // one byte every 100 ms, never a full line
                    c.getOutputStream().flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException ignored) {
                // the callback gave up and closed
            }
        });
        Callbacks c = new Callbacks(LOOPBACK_ALLOWED, Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ZERO);
        long t0 = System.nanoTime();
        assertThat(c.deliver(done("http://127.0.0.1:" + drip.getLocalPort() + "/")))
                .isEqualTo("not delivered");
        // Without the deadline three tries would take the drip's full minute each.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(50));
    }
}
