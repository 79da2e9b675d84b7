package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.common.FileTrees;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol: one browser process in a
 * network of its own ({@link BrowserNetwork}), its DevTools on a pair of pipes
 * ({@code --remote-debugging-pipe}: NUL-terminated JSON both ways), pages attached as flat
 * sessions ({@link BrowserPage}). Only the JDK and Jackson: no Selenium, no driver binary, no
 * download.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final int WIDTH = 1366;
    static final int HEIGHT = 768;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final BrowserNetwork network;
    private final Path pipes;
    private final List<ProcessHandle> family = new ArrayList<>();
    private final Deque<String> stderrTail;
    private final OutputStream toBrowser;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Consumer<JsonNode>> sessions = new ConcurrentHashMap<>();
    private final Object sendLock = new Object();

    private HeadlessChromium(
            Process process, BrowserNetwork network, Path pipes, Deque<String> stderrTail, OutputStream toBrowser) {
        this.process = process;
        this.network = network;
        this.pipes = pipes;
        this.stderrTail = stderrTail;
        this.toBrowser = toBrowser;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts Chromium in a network of its own with its profile in {@code profile}; servers it must
     * reach listen on {@link #hostAddress()}.
     */
    static HeadlessChromium launch(Path profile) throws IOException, InterruptedException {
        BrowserNetwork network = BrowserNetwork.open();
        Path pipes = Files.createTempDirectory("wisp-cdp-");
        try {
            return launch(profile, network, pipes);
        } catch (IOException | RuntimeException e) {
            network.close();
            FileTrees.deleteQuietly(pipes);
            throw e;
        }
    }

    private static HeadlessChromium launch(Path profile, BrowserNetwork network, Path pipes)
            throws IOException, InterruptedException {
        Path in = pipes.resolve("in");
        Path out = pipes.resolve("out");
        Process mkfifo = new ProcessBuilder("mkfifo", in.toString(), out.toString())
                .inheritIO()
                .start();
        if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
            throw new IOException("mkfifo " + pipes + " failed");
        }
        // Read-write, so opening does not wait for Chromium; it never needs an end of this input.
        RandomAccessFile toBrowserFile = new RandomAccessFile(in.toFile(), "rw");
        CompletableFuture<InputStream> fromBrowser = CompletableFuture.supplyAsync(() -> openForReading(out));
        List<String> command = network.wrap(List.of(
                "sh",
                "-c",
                "exec \"$@\" 3<\"$WISP_CDP_IN\" 4>\"$WISP_CDP_OUT\"",
                "sh",
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-pipe",
                "--window-size=" + WIDTH + "," + HEIGHT,
                "--user-data-dir=" + profile,
                "about:blank"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("WISP_CDP_IN", in.toString());
        builder.environment().put("WISP_CDP_OUT", out.toString());
        Process process = builder.start();
        Deque<String> tail = new ArrayDeque<>();
        Thread stderr = new Thread(() -> readStderr(process, tail), "chromium-stderr");
        stderr.setDaemon(true);
        stderr.start();
        InputStream reading;
        try {
            reading = fromBrowser.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            new FileOutputStream(out.toFile()).close(); // lets the waiting open return
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            toBrowserFile.close();
            throw new IOException(
                    "Chromium did not open its DevTools pipe within " + START_TIMEOUT.toSeconds()
                            + " s; its stderr ends with:\n" + String.join("\n", snapshot(tail)),
                    e);
        }
        HeadlessChromium browser =
                new HeadlessChromium(process, network, pipes, tail, new FileOutputStream(toBrowserFile.getFD()));
        Thread reader = new Thread(() -> browser.readMessages(reading), "chromium-devtools");
        reader.setDaemon(true);
        reader.start();
        browser.command(null, "Browser.getVersion", params()); // it answers: the pipe works both ways
        return browser;
    }

    private static InputStream openForReading(Path fifo) {
        try {
            return new BufferedInputStream(new FileInputStream(fifo.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where a server the browser must reach listens (its network's host side). */
    String hostAddress() {
        return network.hostAddress();
    }

    private void readMessages(InputStream in) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try (in) {
            for (int b; (b = in.read()) != -1; ) {
                if (b == 0) {
                    dispatch(message.toString(StandardCharsets.UTF_8));
                    message.reset();
                } else {
                    message.write(b);
                }
            }
        } catch (IOException e) {
            // the browser is gone; whoever waits for an answer times out with its stderr
        }
    }

    private static void readStderr(Process process, Deque<String> tail) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
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
            synchronized (sendLock) { // one whole message after another on the pipe
                toBrowser.write(JSON.writeValueAsBytes(message));
                toBrowser.write(0);
                toBrowser.flush();
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
        try {
            toBrowser.close();
        } catch (IOException e) {
            // nothing reads it any more
        }
        network.close();
        FileTrees.deleteQuietly(pipes);
    }
}
