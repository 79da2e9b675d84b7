package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.router.EmbeddedFrontend.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a client connection's {@link FrontendHandler} answers on its own, with no endpoint and no
 * upstream: unknown services, gate denials, bad and oversized requests, full or timed-out wait
 * buffers, keep-alive and close, idle connections. Runs the real pipeline on an embedded channel.
 */
class FrontendHandlerTest {
    private final ServiceTable services = new ServiceTable();
    private final List<Demand> demands = new ArrayList<>();
    private final List<String> gateAsked = new ArrayList<>();
    private EmbeddedFrontend front;

    @AfterEach
    void close() {
        if (front != null) {
            front.close();
        }
    }

    private EmbeddedFrontend open(RouterConfig config) {
        front = new EmbeddedFrontend(config, services, (service, request) -> {
            gateAsked.add(service);
            return !service.equals("private");
        });
        return front;
    }

    private EmbeddedFrontend open() {
        return open(RouterConfig.defaults());
    }

    /** A service with no endpoint: its requests wait (or are turned away) in the router. */
    private void defineWaiting(String name, ServiceLimits limits) {
        services.define(name, limits, demands::add, (ep, t) -> {});
    }

    /** The answer says {@code Connection: close} and the connection is closed after it. */
    private void assertClosedAfter(Answer a) {
        assertThat(a.header("connection")).isEqualTo("close");
        assertThat(front.channel.isOpen()).isFalse();
    }

    /** The only answer is a {@code bad_request} with {@code status}, and the connection closes after it. */
    private Answer refusedAndClosed(int status) {
        Answer a = only(front.received());
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.body()).contains("\"error\":\"bad_request\"");
        assertClosedAfter(a);
        return a;
    }

    /** The only answer is a 503 with {@code error} and {@code message}, asking to retry after a second. */
    private void unavailable(String error, String message) {
        Answer a = only(front.received());
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.body()).contains("\"error\":\"" + error + "\"").contains(message);
        assertThat(a.header("retry-after")).isEqualTo("1");
    }

    private static Answer only(String received, boolean... heads) {
        List<Answer> all = EmbeddedFrontend.parse(received, heads);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static String get(String host, String path, String... headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", headers) + "\r\n";
    }

    private static String unknownService(String host, String path, String requestId) {
        return "{\"error\":\"unknown_service\",\"status\":404,\"message\":\"no service for host '" + host
                + "' and path '" + path + "'\",\"request_id\":\"" + requestId + "\"}\n";
    }

    @Test
    void unknownHost_gets404UnknownServiceAndTheConnectionStaysOpen() {
        open().send(get("nosuch.localhost", "/x?y=1", "X-Request-Id: req-1\r\n"));

        Answer a = only(front.received());
        assertThat(a.version()).isEqualTo("HTTP/1.1");
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body()).isEqualTo(unknownService("nosuch.localhost", "/x", "req-1"));
        assertThat(a.header("content-type")).isEqualTo("application/json");
        assertThat(a.header("x-request-id")).isEqualTo("req-1");
        assertThat(a.header("cache-control")).isEqualTo("no-store");
        assertThat(a.header("connection")).isNull();
        assertThat(front.channel.isOpen()).isTrue();
    }

    @Test
    void unsafeRequestId_replacedByANewOneInTheAnswer() {
        open().send(get("nosuch.localhost", "/", "X-Request-Id: " + "r".repeat(129) + "\r\n"));

        Answer a = only(front.received());
        assertThat(a.header("x-request-id")).matches("[0-9a-f]{32}");
        assertThat(a.body()).isEqualTo(unknownService("nosuch.localhost", "/", a.header("x-request-id")));
    }

    @Test
    void pipelinedRequests_answeredInOrderOnOneConnection() {
        open().send(get("one.localhost", "/a") + get("two.localhost", "/b"));

        List<Answer> all = EmbeddedFrontend.parse(front.received());
        assertThat(all).extracting(Answer::status).containsExactly(404, 404);
        assertThat(all.get(0).body()).contains("host 'one.localhost' and path '/a'");
        assertThat(all.get(1).body()).contains("host 'two.localhost' and path '/b'");
        assertThat(front.channel.isOpen()).isTrue();

        front.send(get("three.localhost", "/c"));
        assertThat(only(front.received()).body()).contains("host 'three.localhost'");
    }

    @Test
    void clientAsksToClose_answerSaysCloseAndTheConnectionCloses() {
        open().send(get("nosuch.localhost", "/", "Connection: close\r\n"));

        Answer a = only(front.received());
        assertThat(a.status()).isEqualTo(404);
        assertClosedAfter(a);
    }

    @ParameterizedTest(name = "keep-alive asked: {0}")
    @CsvSource({"false, close", "true, keep-alive"})
    void http10_answeredInHttp10AndKeptOpenOnlyWhenKeepAliveIsAsked(boolean keepAlive, String connection) {
        open().send("GET / HTTP/1.0\r\nHost: nosuch.localhost\r\n" + (keepAlive ? "Connection: keep-alive\r\n" : "")
                + "\r\n");

        Answer a = only(front.received());
        assertThat(a.version()).isEqualTo("HTTP/1.0");
        assertThat(a.header("connection")).isEqualTo(connection);
        assertThat(front.channel.isOpen()).isEqualTo(keepAlive);
    }

    @Test
    void malformedRequest_gets400AndNothingAfterItIsRead() {
        open().send("GET / HTTP/one\r\nHost: nosuch.localhost\r\n\r\n" + get("nosuch.localhost", "/"));

        assertThat(refusedAndClosed(400).body()).startsWith("{\"error\":\"bad_request\",\"status\":400,");
    }

    @Test
    void requestLineOverTheLimit_gets414AndTheConnectionCloses() {
        open(RouterConfig.builder().maxInitialLineLength(64).build())
                .send(get("nosuch.localhost", "/" + "a".repeat(100)));

        refusedAndClosed(414);
    }

    @Test
    void headersOverTheLimit_get431AndTheConnectionCloses() {
        open(RouterConfig.builder().maxHeaderSize(256).build())
                .send(get("nosuch.localhost", "/", "X-Big: " + "b".repeat(400) + "\r\n"));

        refusedAndClosed(431);
    }

    @Test
    void deniedByTheGate_getsTheUnknownService404AndNothingWaits() {
        defineWaiting("private", ServiceLimits.DEFAULTS);
        open().send(get("private.localhost", "/", "X-Request-Id: r1\r\n")
                + get("unknown.localhost", "/", "X-Request-Id: r1\r\n"));

        List<Answer> all = EmbeddedFrontend.parse(front.received());
        assertThat(all).extracting(Answer::status).containsExactly(404, 404);
        assertThat(all.get(0).body())
                .isEqualTo(unknownService("private.localhost", "/", "r1"))
                .isEqualTo(all.get(1).body().replace("unknown.localhost", "private.localhost"));
        assertThat(all.get(0).headers())
                .as("same length names")
                .isEqualTo(all.get(1).headers());
        assertThat(gateAsked).as("only an existing service is put to the gate").containsExactly("private");
        assertThat(demands).as("a denied request wakes nothing").isEmpty();
        assertThat(front.runtime.services).doesNotContainKey("private");
    }

    @Test
    void fullWaitBuffer_gets503QueueFullWithRetryAfterAndSignalsDemand() {
        defineWaiting("hello", ServiceLimits.DEFAULTS.withQueueCapacity(0));
        open().send(get("hello.localhost", "/"));

        unavailable("queue_full", "service 'hello' has no free endpoint and its wait buffer is full");
        assertThat(front.channel.isOpen()).isTrue();
        assertThat(demands)
                .extracting(Demand::service, Demand::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("hello", Demand.Reason.NO_ENDPOINTS));
    }

    @Test
    void noEndpointWithinTheQueueTimeout_gets503QueueTimeoutAndIdleTimerSparesTheWait() {
        defineWaiting("hello", ServiceLimits.DEFAULTS.withQueueTimeout(Duration.ofSeconds(5)));
        open(RouterConfig.builder().clientIdleTimeout(Duration.ofSeconds(1)).build())
                .send(get("hello.localhost", "/"));
        assertThat(demands).extracting(Demand::reason).containsExactly(Demand.Reason.NO_ENDPOINTS);

        front.advance(Duration.ofSeconds(4));
        assertThat(front.received()).as("still waiting for an endpoint").isEmpty();
        assertThat(front.channel.isOpen()).as("a waiting request is not idle").isTrue();

        front.advance(Duration.ofMillis(1500));
        unavailable("queue_timeout", "no endpoint of service 'hello' became available within 5000 ms");
        assertThat(front.runtime.services.get("hello").snapshot().queued()).isZero();
    }

    @Test
    void idleConnection_closedAfterTheClientIdleTimeout() {
        open(RouterConfig.builder().clientIdleTimeout(Duration.ofSeconds(10)).build())
                .send(get("nosuch.localhost", "/"));
        assertThat(only(front.received()).status()).isEqualTo(404);

        front.advance(Duration.ofSeconds(9));
        assertThat(front.channel.isOpen()).isTrue();
        front.advance(Duration.ofSeconds(3)); // the timer fires within 1.125 timeouts
        assertThat(front.channel.isOpen()).isFalse();
    }

    @Test
    void bodyOfALocallyAnsweredRequest_readAndDroppedBeforeTheAnswerSoTheConnectionIsReused() {
        open().send("POST /upload HTTP/1.1\r\nHost: nosuch.localhost\r\nContent-Length: 10\r\n\r\n01234");
        assertThat(front.received()).as("no answer in the middle of the body").isEmpty();

        front.send("56789");
        Answer a = only(front.received());
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.header("connection")).isNull();

        front.send(get("nosuch.localhost", "/after"));
        assertThat(only(front.received()).body()).contains("path '/after'");
    }

    @Test
    void oversizedBodyOfALocallyAnsweredRequest_answeredAndClosedWithoutReadingItAll() {
        open().send("POST / HTTP/1.1\r\nHost: nosuch.localhost\r\nContent-Length: 1000000\r\n\r\n");
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < 5 && front.channel.isOpen(); i++) {
            front.send(chunk);
        }

        Answer a = only(front.received());
        assertThat(a.status()).isEqualTo(404);
        assertClosedAfter(a);
    }

    @Test
    void headRequest_answerHasNoBodyAndTheNextAnswerFollowsIt() {
        open().send("HEAD / HTTP/1.1\r\nHost: nosuch.localhost\r\n\r\n" + get("nosuch.localhost", "/next"));

        List<Answer> all = EmbeddedFrontend.parse(front.received(), true, false);
        assertThat(all).extracting(Answer::status).containsExactly(404, 404);
        assertThat(all.get(0).body()).isEmpty();
        assertThat(all.get(1).body()).contains("path '/next'");
    }

    @Test
    void absoluteFormTarget_itsAuthorityWinsOverTheHostHeader() {
        open().send("GET http://nosuch.localhost:8080/p?q=1 HTTP/1.1\r\nHost: other.localhost\r\n\r\n");

        assertThat(only(front.received()).body()).contains("host 'nosuch.localhost:8080' and path '/p'");
    }

    @Test
    void clientInputInTheMessage_isJsonEscaped() {
        open().send(get("a\"b\\c.localhost", "/"));

        assertThat(only(front.received()).body()).contains("host 'a\\\"b\\\\c.localhost'");
    }

    @Test
    void drainingRouter_answersWithConnectionCloseAndCloses() {
        open().runtime.draining = true;
        front.send(get("nosuch.localhost", "/"));

        Answer a = only(front.received());
        assertThat(a.status()).isEqualTo(404);
        assertClosedAfter(a);
    }
}
