package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.wisp.functions.AddressPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/functions} of a real control plane with real microVMs: a shell function deployed
 * through the API, called synchronously and asynchronously, a failing one ending in the dead-letter
 * list, 429 past the reserved concurrency, another tenant seeing none of it, and callback URLs held to
 * public addresses plus the one network the operator allowed.
 */
@StepwiseVmTest
class FunctionsApiVmTest extends SharedControlPlane {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Greets the body; {@code ?slow} makes it take 3 s. */
    private static final String HELLO = "body=$(cat)\ncase \"$QUERY_STRING\" in *slow*) sleep 3;; esac\n"
            + "echo 'Content-Type: text/plain'\necho\necho \"hi $body from $(hostname)\"\n";

    /** The operator's allowance in these tests: one loopback address, where a test listener runs. */
    private static final AddressPolicy CALLBACKS = AddressPolicy.allowing(List.of("127.0.0.2/32"));

    @TempDir
    static Path scratch;

    final OpenApiDoc doc = OpenApiDoc.load();
    String acme;
    String globex;
    /** The async invocation of step 2, read again after the restart. */
    String asyncId;

    @BeforeAll
    void setUp() throws Exception {
        start(Guests.config(scratch.resolve("data")).withCallbackPolicy(CALLBACKS));
        acme = http.tenantToken(
                admin,
                "acme",
                "{\"name\":\"acme\",\"quota\":{\"vcpus\":4,\"memoryMiB\":300," + "\"instances\":10,\"images\":5}}");
        globex = http.tenantToken(admin, "globex");
    }

    private static String deployBody(String name, String script, String extra) throws Exception {
        return "{\"name\":\"" + name + "\",\"runtime\":\"shell\",\"handler\":" + JSON.writeValueAsString(script) + extra
                + "}";
    }

    private Http.Answer invoke(String name, String token, String query, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(cp.apiUrl() + "/v1/functions/" + name + "/invoke" + query))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return Http.send(b.build());
    }

    private JsonNode awaitFinal(String name, String id) throws InterruptedException {
        JsonNode[] last = new JsonNode[1];
        Guests.await(Duration.ofSeconds(60), "invocation " + id + " final", () -> {
            last[0] = http.get("/v1/functions/" + name + "/invocations/" + id, acme)
                    .json();
            String s = last[0].path("state").asText();
            return s.equals("succeeded") || s.equals("dead");
        });
        return last[0];
    }

    @Test
    @Order(1)
    void deploy_thenSyncInvoke_answersFromAMicroVm() throws Exception {
        long t0 = System.nanoTime();
        Http.Answer created =
                http.post("/v1/functions", acme, deployBody("hello", HELLO, ",\"reservedConcurrency\":1"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        System.out.printf("function deploy through the API: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(created.json().path("state").asText()).isEqualTo("ready");
        doc.assertAnswer("POST", "/v1/functions", created);
        assertThat(http.post("/v1/functions", acme, deployBody("hello", HELLO, ""))
                        .code())
                .isEqualTo("conflict");

        t0 = System.nanoTime();
        Http.Answer r = invoke("hello", acme, "", "world");
        System.out.printf("sync invoke through the API: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("hi world from ");
        assertThat(r.raw().headers().firstValue("Content-Type")).hasValue("text/plain");
        Http.Answer list = http.get("/v1/functions", acme);
        assertThat(list.json().path("items").get(0).path("name").asText()).isEqualTo("hello");
        doc.assertAnswer("GET", "/v1/functions", list);
        doc.assertAnswer("GET", "/v1/functions/{name}", http.get("/v1/functions/hello", acme));
    }

    @Test
    @Order(2)
    void unknownFunctionAndWrongMethod_getTheDocumentedErrors() {
        Http.Answer missing = invoke("nope", acme, "", "x");
        missing.refused(404, "not_found");
        doc.assertAnswer("POST", "/v1/functions/{name}/invoke", missing);
        Http.Answer wrongMethod = http.get("/v1/functions/hello/invoke", acme);
        wrongMethod.refused(405, "method_not_allowed");
        assertThat(http.send("DELETE", "/v1/functions/hello/invocations", acme, null)
                        .code())
                .isEqualTo("method_not_allowed");
        assertThat(http.get("/v1/functions/hello/log", acme).code())
                .as("the log is at /logs")
                .isEqualTo("not_found");
    }

    @Test
    @Order(2)
    void asyncInvoke_answers202_andItsResultIsStored() throws Exception {
        Http.Answer accepted = http.send("POST", "/v1/functions/hello/invocations", acme, "\"async\"");
        assertThat(accepted.status()).isEqualTo(202);
        doc.assertAnswer("POST", "/v1/functions/{name}/invocations", accepted);
        asyncId = accepted.json().path("id").asText();
        JsonNode done = awaitFinal("hello", asyncId);
        doc.assertAnswer(
                "GET",
                "/v1/functions/{name}/invocations/{id}",
                http.get("/v1/functions/hello/invocations/" + asyncId, acme));
        assertThat(done.path("state").asText()).isEqualTo("succeeded");
        assertThat(done.path("function").asText()).isEqualTo("hello");
        assertThat(done.path("body").asText()).startsWith("hi \"async\" from ");
    }

    @Test
    @Order(3)
    void failingFunction_endsInTheDeadLetterList() throws Exception {
        http.created(
                "/v1/functions",
                acme,
                deployBody(
                        "broken",
                        "echo oops >&2\nexit 1\n",
                        ",\"reservedConcurrency\":1,\"retry\":{\"maxAttempts\":2,\"initialBackoff\":\"100ms\"}"));
        String id = http.send("POST", "/v1/functions/broken/invocations", acme, "{}")
                .json()
                .path("id")
                .asText();
        JsonNode done = awaitFinal("broken", id);
        assertThat(done.path("state").asText()).isEqualTo("dead");
        assertThat(done.path("attempts").asInt()).isEqualTo(2);
        Http.Answer deadLetters = http.get("/v1/functions/broken/dead-letters", acme);
        doc.assertAnswer("GET", "/v1/functions/{name}/dead-letters", deadLetters);
        JsonNode dead = deadLetters.json().path("items");
        assertThat(dead).extracting(n -> n.path("id").asText()).containsExactly(id);
    }

    @Test
    @Order(4)
    void pastReservedConcurrency_gets429() throws Exception {
        CompletableFuture<Http.Answer> slow =
                CompletableFuture.supplyAsync(() -> invoke("hello", acme, "?slow=1", "slow"));
        Guests.await(
                Duration.ofSeconds(10),
                "the slow call in flight",
                () -> http.get("/v1/functions/hello", acme)
                                .json()
                                .path("inFlight")
                                .asInt()
                        == 1);
        Http.Answer refused = invoke("hello", acme, "", "second");
        refused.refused(429, "rate_limited");
        assertThat(slow.get().status()).isEqualTo(200);
        Http.Answer logs = http.get("/v1/functions/hello/logs", acme);
        doc.assertAnswer("GET", "/v1/functions/{name}/logs", logs);
        JsonNode log = logs.json().path("items");
        assertThat(log).extracting(n -> n.path("outcome").asText()).contains("ok", "rejected");
    }

    @Test
    @Order(5)
    void anotherTenant_getsNotFound_andQuotaCountsFunctions() {
        assertThat(http.get("/v1/functions/hello", globex).status()).isEqualTo(404);
        assertThat(invoke("hello", globex, "", "x").status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/v1/functions/hello", globex, null).status())
                .isEqualTo(404);
        assertThat(http.get("/v1/functions", globex).json().path("items")).isEmpty();
        // acme's 300 MiB hold hello and broken (one 128 MiB instance each); a third does not fit.
        Http.Answer third = deployEcho(acme, "third", "\"reservedConcurrency\":1");
        assertThat(third.status()).isEqualTo(422);
        assertThat(third.body()).contains("memoryMiB");
        // A function counts what it may scale out to: 1000 calls of 1 per instance is 1000 instances, past globex's 40.
        Http.Answer wide = deployEcho(globex, "wide", "\"reservedConcurrency\":1000,\"instanceConcurrency\":1");
        assertThat(wide.status()).isEqualTo(422);
        assertThat(wide.body()).contains("instances would be 1000");
        Http.Answer tooMany = deployEcho(globex, "wide", "\"reservedConcurrency\":2,\"instanceConcurrency\":3");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body()).contains("instanceConcurrency must be in [1, 2]");
    }

    @Test
    @Order(6)
    void delete_removesTheFunction() {
        assertThat(http.send("DELETE", "/v1/functions/broken", acme, null).status())
                .isEqualTo(204);
        assertThat(http.get("/v1/functions/broken", acme).status()).isEqualTo(404);
        assertThat(http.get("/v1/functions/broken/dead-letters", acme).status()).isEqualTo(404);
    }

    /** An HTTP listener on {@code host} that records each request's body and answers 204. */
    private static HttpServer listener(String host, LinkedBlockingQueue<String> received) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, 0), 0);
        s.createContext("/", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        s.start();
        return s;
    }

    private Http.Answer invokeAsync(String callbackUrl) {
        return Http.send(HttpRequest.newBuilder(URI.create(cp.apiUrl() + "/v1/functions/hello/invocations"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + acme)
                .header("X-Callback-Url", callbackUrl)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("cb"))
                .build());
    }

    @Test
    @Order(7)
    void callbacksToTheHostOrItsNetworks_areRefused_andTheAllowedNetworkGetsTheResult() throws Exception {
        LinkedBlockingQueue<String> onLoopback = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> onAllowed = new LinkedBlockingQueue<>();
        HttpServer loopback = listener("127.0.0.1", onLoopback);
        HttpServer allowed = listener("127.0.0.2", onAllowed);
        try {
            int port = loopback.getAddress().getPort();
            // The function's own microVM, on the port QEMU forwards to it (what the router's token check guards).
            assertThat(invoke("hello", acme, "", "wake").status()).isEqualTo(200);
            int vmPort = cp.node().services().stream()
                    .flatMap(s -> s.instances().stream())
                    .filter(i -> "running".equals(i.tier()) && i.port() > 0)
                    .findFirst()
                    .orElseThrow()
                    .port();
            Map<String, String> refused = new LinkedHashMap<>();
            refused.put("http://127.0.0.1:" + port + "/done", "127.0.0.1 is a loopback address");
            refused.put("http://localhost:" + port + "/done", "localhost resolves to a loopback address");
            refused.put("http://[::ffff:127.0.0.1]:" + port + "/done", "127.0.0.1 is a loopback address");
            refused.put(cp.apiUrl() + "/v1/tenants", "127.0.0.1 is a loopback address");
            refused.put("http://127.0.0.1:" + vmPort + "/", "127.0.0.1 is a loopback address");
            refused.put("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address");
            refused.put("http://10.0.2.2:" + port + "/", "10.0.2.2 is a private address");
            for (Map.Entry<String, String> e : refused.entrySet()) {
                Http.Answer a = invokeAsync(e.getKey());
                assertThat(a.status()).as(e.getKey() + ": " + a.body()).isEqualTo(400);
                assertThat(a.code()).isEqualTo("bad_request");
                assertThat(a.json().path("error").path("message").asText())
                        .as(e.getKey())
                        .startsWith("callback URL refused: " + e.getValue() + "; ")
                        .contains("--allow-callback-net");
            }

            Http.Answer accepted =
                    invokeAsync("http://127.0.0.2:" + allowed.getAddress().getPort() + "/done");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            String id = accepted.json().path("id").asText();
            assertThat(awaitFinal("hello", id).path("state").asText()).isEqualTo("succeeded");
            Guests.await(
                    Duration.ofSeconds(30),
                    "the callback to be recorded as delivered",
                    () -> "delivered"
                            .equals(http.get("/v1/functions/hello/invocations/" + id, acme)
                                    .json()
                                    .path("callback")
                                    .asText()));
            doc.assertAnswer(
                    "GET",
                    "/v1/functions/{name}/invocations/{id}",
                    http.get("/v1/functions/hello/invocations/" + id, acme));
            String body = onAllowed.poll(10, TimeUnit.SECONDS);
            assertThat(body).as("the result POSTed to the allowed listener").isNotNull();
            JsonNode posted = JSON.readTree(body);
            assertThat(posted.path("id").asText()).isEqualTo(id);
            assertThat(posted.path("body").asText()).startsWith("hi cb from ");
            assertThat(onLoopback)
                    .as("nothing reached the listener on 127.0.0.1")
                    .isEmpty();
        } finally {
            loopback.stop(0);
            allowed.stop(0);
        }
    }

    @Test
    @Order(8)
    void restart_bringsFunctionsBack_withTheirStoredResults() throws Exception {
        cp.close();
        startAgain();
        assertThat(http.get("/v1/functions/hello", acme).status()).isEqualTo(200);
        assertThat(http.get("/v1/functions/broken", acme).status())
                .as("deleted before the restart")
                .isEqualTo(404);
        assertThat(http.get("/v1/functions/hello/invocations/" + asyncId, acme)
                        .json()
                        .path("state")
                        .asText())
                .isEqualTo("succeeded");
        // Functions come back in the background; calls meanwhile get 503, then the function answers.
        String[] last = new String[1];
        Guests.await(Duration.ofSeconds(120), "hello to answer after the restart", () -> {
            Http.Answer r = invoke("hello", acme, "", "again");
            last[0] = r.status() + " " + r.body();
            return r.status() == 200;
        });
        assertThat(last[0]).startsWith("200 hi again from ");
    }

    /** Deploys a shell function whose handler is {@code echo}, with more of the body's fields. */
    private Http.Answer deployEcho(String token, String name, String fields) {
        return http.post(
                "/v1/functions",
                token,
                "{\"name\":\"" + name + "\",\"runtime\":\"shell\",\"handler\":\"echo\"," + fields + "}");
    }
}
