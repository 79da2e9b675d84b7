package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol: one browser process, one
 * WebSocket to it, pages attached as flat sessions ({@link BrowserPage}). Only the JDK's WebSocket
 * and Jackson: no Selenium, no driver binary, no download.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final int WIDTH = 1366;
    static final int HEIGHT = 768;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern DEVTOOLS_URL = Pattern.compile("DevTools listening on (ws://\\S+)");
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<ProcessHandle> family = new ArrayList<>();
    private final Deque<String> stderrTail;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Consumer<JsonNode>> sessions = new ConcurrentHashMap<>();
    private final Object sendLock = new Object();

    private HeadlessChromium(Process process, Deque<String> stderrTail, WebSocket socket) {
        this.process = process;
        this.stderrTail = stderrTail;
        this.socket = socket;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts Chromium with its profile in {@code profile} and connects to its DevTools endpoint. */
    static HeadlessChromium launch(Path profile) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        BINARY.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--remote-debugging-port=0",
                        "--window-size=" + WIDTH + "," + HEIGHT,
                        "--user-data-dir=" + profile,
                        "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStderr(process, tail, url), "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        String wsUrl;
        try {
            wsUrl = url.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IOException(
                    "Chromium did not report its DevTools URL within " + START_TIMEOUT.toSeconds()
                            + " s; its stderr ends with:\n" + String.join("\n", snapshot(tail)),
                    e);
        }
        Listener listener = new Listener();
        WebSocket socket;
        try {
            socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(wsUrl), listener)
                    .get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("cannot connect to Chromium's DevTools at " + wsUrl, e);
        }
        HeadlessChromium browser = new HeadlessChromium(process, tail, socket);
        listener.owner = browser;
        return browser;
    }

    private static void readStderr(Process process, Deque<String> tail, CompletableFuture<String> url) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                }
                Matcher m = DEVTOOLS_URL.matcher(line);
                if (m.find()) {
                    url.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            // the process is gone; whoever waits learns it from the future
        }
        url.completeExceptionally(new IOException("Chromium exited with " + process.exitValue()));
    }

    private static List<String> snapshot(Deque<String> tail) {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** A new tab of {@value #WIDTH}x{@value #HEIGHT} CSS pixels, attached and with its events on. */
    BrowserPage newPage() {
        String target = command(null, "Target.createTarget", params().put("url", "about:blank"))
                .get("targetId")
                .asText();
        String session = command(
                        null,
                        "Target.attachToTarget",
                        params().put("targetId", target).put("flatten", true))
                .get("sessionId")
                .asText();
        BrowserPage page = new BrowserPage(this, session);
        sessions.put(session, page::onEvent);
        for (String domain : List.of("Page", "Runtime", "Log")) {
            command(session, domain + ".enable", params());
        }
        command(
                session,
                "Emulation.setDeviceMetricsOverride",
                params().put("width", WIDTH)
                        .put("height", HEIGHT)
                        .put("deviceScaleFactor", 1)
                        .put("mobile", false));
        // Background tabs have no focus otherwise: autofocus and :focus styles would not apply.
        command(session, "Emulation.setFocusEmulationEnabled", params().put("enabled", true));
        return page;
    }

    static ObjectNode params() {
        return JSON.createObjectNode();
    }

    /** Sends one command (to the browser when {@code session} is null) and waits for its result. */
    JsonNode command(String session, String method, ObjectNode params) {
        long id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (sendLock) { // the WebSocket allows one outstanding send at a time
                socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
            }
            JsonNode reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw new IllegalStateException(
                    method + " got no answer from Chromium; its stderr ends with:\n"
                            + String.join("\n", snapshot(stderrTail)),
                    e);
        } finally {
            pending.remove(id);
        }
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asLong());
            if (answer != null) {
                answer.complete(message);
            }
        } else if (message.has("sessionId")) {
            Consumer<JsonNode> page = sessions.get(message.get("sessionId").asText());
            if (page != null) {
                page.accept(message);
            }
        }
    }

    /** The browser process and every process it started, while it runs. */
    List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>(family);
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        return all;
    }

    @Override
    public void close() {
        family.clear();
        process.descendants().forEach(family::add); // remembered so close() can be checked afterwards
        try {
            command(null, "Browser.close", params());
        } catch (RuntimeException e) {
            // it may be gone already; the kill below is the real guarantee
        }
        socket.abort();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : family) {
            child.destroyForcibly();
            try {
                child.onExit().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // reported by whoever checks processes(): a test asserts none is left
            }
        }
    }

    /** Collects fragmented frames into whole messages (screenshots arrive in many pieces). */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                HeadlessChromium browser = owner;
                if (browser != null) {
                    browser.dispatch(text);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
