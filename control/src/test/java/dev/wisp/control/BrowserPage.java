package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One tab of a {@link HeadlessChromium}: navigate, read the DOM with JavaScript, click and type
 * through real input events, take screenshots; JavaScript errors and failed loads are collected.
 */
final class BrowserPage {
    private final HeadlessChromium browser;
    private final String session;
    private final List<String> errors = new ArrayList<>();

    BrowserPage(HeadlessChromium browser, String session) {
        this.browser = browser;
        this.session = session;
    }

    /** Loads {@code url} and waits until the document and its module scripts have loaded. */
    void navigate(String url) {
        JsonNode result = browser.command(
                session, "Page.navigate", HeadlessChromium.params().put("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException(
                    "cannot load " + url + ": " + result.get("errorText").asText());
        }
        waitFor("the page at " + url + " to load", "document.readyState === 'complete'", Duration.ofSeconds(20));
    }

    /** Evaluates {@code expression} (awaiting a promise) and returns its value as JSON. */
    JsonNode eval(String expression) {
        JsonNode result = browser.command(
                session,
                "Runtime.evaluate",
                HeadlessChromium.params()
                        .put("expression", expression)
                        .put("returnByValue", true)
                        .put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            JsonNode details = result.get("exceptionDetails");
            throw new IllegalStateException("JavaScript failed: "
                    + details.path("exception")
                            .path("description")
                            .asText(details.path("text").asText()) + "\n in: " + expression);
        }
        return result.path("result").path("value");
    }

    String text(String expression) {
        return eval(expression).asText();
    }

    /** Polls a JavaScript condition until it is truthy; the message names what was awaited. */
    void waitFor(String what, String condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (eval("!!(" + condition + ")").asBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                // the page may be between documents; try again until the deadline
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "waited " + timeout.toSeconds() + " s for " + what + "; page errors: " + errors());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Clicks the middle of the element as a mouse would (it must be visible and not covered). */
    void click(String selector) {
        JsonNode box = eval("(() => { const el = document.querySelector(" + quote(selector) + ");"
                + " if (!el) throw new Error('no element ' + " + quote(selector) + ");"
                + " el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();"
                + " return {x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width}; })()");
        if (box.get("w").asDouble() == 0) {
            throw new IllegalStateException("element " + selector + " is not visible");
        }
        for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
            browser.command(
                    session,
                    "Input.dispatchMouseEvent",
                    HeadlessChromium.params()
                            .put("type", type)
                            .put("x", box.get("x").asDouble())
                            .put("y", box.get("y").asDouble())
                            .put("button", "left")
                            .put("clickCount", 1));
        }
    }

    /** Clicks into the field, clears it, and types {@code text} as keyboard input. */
    void type(String selector, String text) {
        click(selector);
        eval("document.querySelector(" + quote(selector) + ").select()");
        browser.command(session, "Input.insertText", HeadlessChromium.params().put("text", text));
    }

    /** Picks an option of a {@code <select>} the way a change by the user would announce it. */
    void choose(String selector, String value) {
        eval("(() => { const el = document.querySelector(" + quote(selector) + "); el.value = " + quote(value)
                + "; el.dispatchEvent(new Event('change', {bubbles: true})); })()");
    }

    /** Writes a PNG of the viewport to {@code file} and returns it. */
    Path screenshot(Path file) throws IOException {
        JsonNode shot = browser.command(
                session, "Page.captureScreenshot", HeadlessChromium.params().put("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
        return file;
    }

    /** Uncaught exceptions, console errors and failed loads seen so far. */
    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized void onEvent(JsonNode message) {
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Runtime.exceptionThrown" -> {
                JsonNode d = params.path("exceptionDetails");
                errors.add("exception: "
                        + d.path("exception")
                                .path("description")
                                .asText(d.path("text").asText()));
            }
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(params.path("type").asText())) {
                    errors.add("console.error: "
                            + params.path("args").path(0).path("value").asText());
                }
            }
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                if ("error".equals(entry.path("level").asText())) {
                    errors.add("log: " + entry.path("text").asText() + " "
                            + entry.path("url").asText(""));
                }
            }
            default -> {}
        }
    }

    static String quote(String s) {
        try {
            return HeadlessChromium.JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
