package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.node.ServiceStatus;
import dev.wisp.runtime.Instance;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Shell and binary functions in real microVMs, called through the real router. */
class FunctionsVmTest {
    @RegisterExtension
    static final FnTestbed BED = new FnTestbed();

    @BeforeAll
    static void deploy() throws Exception {
        Path slow = Files.writeString(BED.scratch().resolve("slow.sh"), "sleep 3\necho slept on $(hostname)\n");
        Path broken = Files.writeString(BED.scratch().resolve("broken.sh"), "echo oops >&2\nexit 1\n");
        RetryPolicy quick = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2));
        BED.functions.deploy(FunctionSpec.of("words", FunctionRuntime.SHELL, FnTestbed.example("shell/handler.sh")));
        BED.functions.deploy(FunctionSpec.of("slow", FunctionRuntime.SHELL, slow)
                .withReservedConcurrency(1)
                .withRetry(new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(2))));
        BED.functions.deploy(
                FunctionSpec.of("broken", FunctionRuntime.SHELL, broken).withRetry(quick));
    }

    @Test
    void shellFunction_answersASyncInvokeWithItsStatusTypeAndBody() throws Exception {
        FunctionResponse r =
                BED.functions.invoke("words", FunctionCall.post("one two three".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode body = FnTestbed.json(r.body());
        assertThat(body.path("words").asInt()).isEqualTo(3);
        assertThat(body.path("method").asText()).isEqualTo("POST");
        assertThat(body.path("instance").asText()).startsWith("words-");
        assertThat(BED.functions.log("words")).anySatisfy(e -> {
            assertThat(e.mode()).isEqualTo("sync");
            assertThat(e.status()).isEqualTo(200);
        });
    }

    @Test
    void binaryFunction_staticCProgram_answersAnInvoke() throws Exception {
        Path bin = BED.binaryExample("sum");
        BED.functions.deploy(FunctionSpec.of("sum", FunctionRuntime.BINARY, bin));
        try {
            FunctionResponse r = BED.functions.invoke(
                    "sum", new FunctionCall("POST", "/add?x=1", Map.of(), "1 2 3.5".getBytes(StandardCharsets.UTF_8)));
            assertThat(r.status()).isEqualTo(200);
            JsonNode body = FnTestbed.json(r.body());
            assertThat(body.path("count").asInt()).isEqualTo(3);
            assertThat(body.path("sum").asDouble()).isEqualTo(6.5);
            assertThat(body.path("path").asText()).isEqualTo("/add");
        } finally {
            BED.functions.remove("sum");
        }
    }

    @Test
    void burstThroughTheRouter_scalesOutWithoutErrors_thenSleepsToZero_andTheNextCallWakesIt() throws Exception {
        Path handler = Files.writeString(BED.scratch().resolve("burst.sh"), "sleep 0.2\necho ok from $(hostname)\n");
        // Snapshot after 3 s instead of 60 s, so the test sees the deepest tier quickly.
        StandbyPolicy quickSleep = new StandbyPolicy(
                StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(3), StandbyPolicy.DEFAULT_RETIRE_AFTER);
        FunctionInfo info = BED.functions.deploy(FunctionSpec.of("burst", FunctionRuntime.SHELL, handler)
                .withReservedConcurrency(16)
                .withInstanceConcurrency(2)
                .withStandby(quickSleep));
        assertThat(info.maxInstances()).isEqualTo(8);
        try {
            AtomicInteger peak = new AtomicInteger();
            Thread watcher = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(
                            (int) BED.node.status("burst").orElseThrow().count("running"), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long t0 = System.nanoTime();
            Process hey = new ProcessBuilder(
                            "hey",
                            // A waiting call is the platform's to answer, not hey's default 10 s to cut
                            // off: a clone on a busy 2-core host has taken longer than that.
                            "-t",
                            "120",
                            "-n",
                            "240",
                            "-c",
                            "12",
                            "-host",
                            "burst.localhost",
                            "http://127.0.0.1:" + BED.node.routerPort() + "/")
                    .redirectErrorStream(true)
                    .start();
            String report = new String(hey.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(hey.waitFor(120, TimeUnit.SECONDS)).isTrue();
            double burstSeconds = (System.nanoTime() - t0) / 1e9;
            watcher.interrupt();
            watcher.join();
            System.out.printf(
                    "burst: 240 calls, 12 at once, %.1f s, peak %d running instances%n", burstSeconds, peak.get());
            assertThat(report).as(report).contains("[200]\t240 responses").doesNotContain("Error distribution");
            assertThat(peak.get()).isBetween(2, 8);

            long idleSince = System.nanoTime();
            FnTestbed.await(Duration.ofSeconds(90), "every instance asleep, one snapshotted", () -> {
                ServiceStatus s = BED.node.status("burst").orElseThrow();
                return s.count("running") == 0
                        && s.count("snapshotted") > 0
                        && s.instances().stream().noneMatch(i -> i.busy());
            });
            System.out.printf(
                    "burst: no instance running %.1f s after the burst%n", (System.nanoTime() - idleSince) / 1e9);

            long w0 = System.nanoTime();
            FunctionResponse woken = BED.functions.invoke("burst", FunctionCall.post(new byte[0]));
            System.out.printf("burst: first call after sleeping answered in %.0f ms%n", (System.nanoTime() - w0) / 1e6);
            assertThat(woken.status()).isEqualTo(200);
            assertThat(new String(woken.body(), StandardCharsets.UTF_8)).startsWith("ok from burst-");
            assertThat(BED.node.status("burst").orElseThrow().count("running")).isGreaterThanOrEqualTo(1);
        } finally {
            BED.functions.remove("burst");
        }
    }

    @Test
    void asyncInvoke_completesAndItsResultIsReadableAndPostedToTheCallback() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/done", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try {
            Invocation inv = BED.functions.invokeAsync(
                    "words",
                    FunctionCall.post("a b".getBytes(StandardCharsets.UTF_8)),
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/done");
            assertThat(inv.id()).startsWith("inv_");
            FnTestbed.await(
                    Duration.ofSeconds(60),
                    "the invocation to succeed",
                    () -> BED.functions.invocation("words", inv.id()).state() == Invocation.State.SUCCEEDED);
            Invocation done = BED.functions.invocation("words", inv.id());
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(done.status()).isEqualTo(200);
            assertThat(FnTestbed.json(done.body()).path("words").asInt()).isEqualTo(2);

            String callback = received.poll(30, TimeUnit.SECONDS);
            assertThat(callback).isNotNull();
            JsonNode posted = FnTestbed.json(callback);
            assertThat(posted.path("id").asText()).isEqualTo(inv.id());
            assertThat(posted.path("state").asText()).isEqualTo("succeeded");
            assertThat(posted.path("body").asText()).contains("\"words\": 2");
            FnTestbed.await(
                    Duration.ofSeconds(10),
                    "the callback result to be recorded",
                    () -> "delivered"
                            .equals(BED.functions.invocation("words", inv.id()).callback()));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void asyncInvoke_whoseVmIsKilledMidCall_isRetriedAndSucceeds() throws Exception {
        Invocation inv = BED.functions.invokeAsync("slow", FunctionCall.post(new byte[0]), null);
        FnTestbed.await(
                Duration.ofSeconds(60),
                "the first attempt to start",
                () -> BED.functions.invocation("slow", inv.id()).state() == Invocation.State.RUNNING);
        Thread.sleep(1000); // the handler is sleeping inside the VM now
        List<Instance> victims = BED.runtime.instances().stream()
                .filter(i -> i.id().startsWith("slow-"))
                .toList();
        assertThat(victims).isNotEmpty();
        for (Instance i : victims) {
            ProcessHandle.of(i.vmmPid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        Invocation done = finished("slow", inv, Duration.ofSeconds(90));
        assertThat(done.state()).isEqualTo(Invocation.State.SUCCEEDED);
        assertThat(done.attempts()).isGreaterThanOrEqualTo(2);
        assertThat(done.body()).startsWith("slept on slow-");
        assertThat(BED.functions.log("slow")).anySatisfy(e -> {
            assertThat(e.id()).isEqualTo(inv.id());
            assertThat(e.attempts()).isEqualTo(done.attempts());
        });
    }

    @Test
    void asyncInvoke_thatAlwaysFails_landsInTheDeadLetterListAfterTheLastAttempt() throws Exception {
        Invocation inv = BED.functions.invokeAsync("broken", FunctionCall.post(new byte[0]), null);
        Invocation dead = finished("broken", inv, Duration.ofSeconds(60));
        assertThat(dead.state()).isEqualTo(Invocation.State.DEAD);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.status()).isEqualTo(500);
        assertThat(dead.error()).contains("HTTP 500").contains("exited with status 1");
        assertThat(BED.functions.deadLetters("broken"))
                .extracting(Invocation::id)
                .contains(inv.id());
        assertThat(BED.functions.log("broken")).anySatisfy(e -> {
            assertThat(e.outcome()).isEqualTo("dead");
            assertThat(e.attempts()).isEqualTo(3);
        });
    }

    @Test
    void syncInvokePastReservedConcurrency_isRefusedWith429() throws Exception {
        CompletableFuture<FunctionResponse> first =
                CompletableFuture.supplyAsync(() -> BED.functions.invoke("slow", FunctionCall.post(new byte[0])));
        FnTestbed.await(
                Duration.ofSeconds(30),
                "the first call to take the slot",
                () -> BED.functions.get("slow").inFlight() == 1);
        assertThatThrownBy(() -> BED.functions.invoke("slow", FunctionCall.post(new byte[0])))
                .isInstanceOfSatisfying(
                        FunctionException.class,
                        e -> assertThat(e.code()).isEqualTo(FunctionException.Code.RATE_LIMITED))
                .hasMessageContaining("reserved concurrency (1)");
        assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(BED.functions.log("slow"))
                .anySatisfy(e -> assertThat(e.status()).isEqualTo(429));
    }

    @Test
    void unknownFunctionAndBadCallback_getClearErrors() {
        assertThatThrownBy(() -> BED.functions.invoke("nope", FunctionCall.post(new byte[0])))
                .isInstanceOfSatisfying(
                        FunctionException.class, e -> assertThat(e.code()).isEqualTo(FunctionException.Code.NOT_FOUND));
        assertThatThrownBy(() -> BED.functions.invokeAsync("words", FunctionCall.post(new byte[0]), "ftp://x"))
                .isInstanceOfSatisfying(
                        FunctionException.class,
                        e -> assertThat(e.code()).isEqualTo(FunctionException.Code.BAD_REQUEST));
        assertThatThrownBy(() -> BED.functions.invokeAsync(
                        "words", FunctionCall.post(new byte[0]), "http://169.254.169.254/latest/"))
                .isInstanceOfSatisfying(
                        FunctionException.class,
                        e -> assertThat(e.code()).isEqualTo(FunctionException.Code.BAD_REQUEST))
                .hasMessageContaining("169.254.169.254 is a link-local address");
    }

    /** The asynchronous invocation once it has finished (succeeded or dead), waiting up to {@code timeout}. */
    private Invocation finished(String function, Invocation inv, Duration timeout) throws InterruptedException {
        FnTestbed.await(
                timeout,
                "invocation " + inv.id() + " of " + function + " to finish",
                () -> BED.functions.invocation(function, inv.id()).state().isFinal());
        return BED.functions.invocation(function, inv.id());
    }
}
