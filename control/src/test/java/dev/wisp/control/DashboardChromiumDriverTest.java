package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CDP driver against static pages from a JDK HTTP server: what the dashboard test relies on. */
class DashboardChromiumDriverTest {
    private static final Map<String, String> PAGES = Map.of(
            "/form.html", """
                    <!doctype html><title>form page</title>
                    <label for=name>Name</label><input id=name>
                    <button id=go onclick="document.getElementById('out').textContent = 'hello ' +
                      document.getElementById('name').value">Go</button>
                    <p id=out></p>""",
            "/broken.html", """
                    <!doctype html><title>broken</title><script>undefinedFunction();</script>
                    <script src="/missing.js"></script>""");

    @RegisterExtension
    static final PageServer SITE = new PageServer(server -> server.createContext("/", ex -> {
        String page = PAGES.get(ex.getRequestURI().getPath());
        byte[] body = (page == null ? "not found" : page).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", page == null ? "text/plain" : "text/html; charset=utf-8");
        ex.getResponseHeaders().set("Connection", "close"); // each fetch connects anew, as the VMs' networks change
        ex.sendResponseHeaders(page == null ? 404 : 200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }));

    private static String url(String path) {
        return SITE.url(path);
    }

    @Test
    void eval_returnsValuesFromThePageAndAwaitsPromises() {
        BrowserPage page = SITE.browser().newPage();
        page.navigate(url("/form.html"));

        assertThat(page.text("document.title")).isEqualTo("form page");
        assertThat(page.eval("new Promise(r => setTimeout(() => r(6 * 7), 50))").asInt())
                .isEqualTo(42);
        assertThatThrownBy(() -> page.eval("nope.nothing")).hasMessageContaining("nope is not defined");
    }

    @Test
    void typeAndClick_driveThePageLikeAUser() {
        BrowserPage page = SITE.browser().newPage();
        page.navigate(url("/form.html"));

        page.type("#name", "wisp");
        page.click("#go");

        page.waitFor(
                "the greeting", "document.getElementById('out').textContent === 'hello wisp'", Duration.ofSeconds(5));
        assertThat(page.errors()).isEmpty();
    }

    @Test
    void screenshot_isAPngOfTheLaptopViewport() throws IOException {
        BrowserPage page = SITE.browser().newPage();
        page.navigate(url("/form.html"));

        Path png = page.screenshot(SITE.profile().resolve("shot.png"));

        ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(png));
        assertThat(head.getLong(0)).isEqualTo(0x89504E470D0A1A0AL); // PNG signature
        assertThat(List.of(head.getInt(16), head.getInt(20)))
                .containsExactly(HeadlessChromium.WIDTH, HeadlessChromium.HEIGHT);
    }

    @Test
    void errors_reportScriptExceptionsAndFailedLoads() throws InterruptedException {
        BrowserPage page = SITE.browser().newPage();
        page.navigate(url("/broken.html"));

        for (int i = 0; i < 50 && page.errors().size() < 2; i++) {
            Thread.sleep(100); // the failed load's log entry may trail the load event
        }
        assertThat(String.join("\n", page.errors()))
                .contains("undefinedFunction is not defined")
                .contains("404");
    }

    @Test
    void waitFor_namesWhatItWaitedFor() {
        BrowserPage page = SITE.browser().newPage();
        page.navigate(url("/form.html"));

        assertThatThrownBy(() -> page.waitFor("a miracle", "false", Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("a miracle");
    }

    @Test
    void vmNetworksComingAndGoingOnTheHost_breakNoRequestOfThePage() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "making interfaces needs root");
        BrowserPage page = SITE.browser().newPage();
        page.navigate(url("/form.html"));
        // The page fetches one after another (the server closes each connection) until told to stop.
        page.eval("window.failed = []; window.done = 0; window.go = true; (async () => { while (window.go) {"
                + " try { await fetch('/form.html', {cache: 'no-store'});"
                + " window.done++; } catch (e) { window.failed.push(String(e)); } } })(); 0");

        // What VMs starting and stopping do on this host: a namespace, a veth into it, an address
        // on the host's end; then all of it gone again.
        String tag = "wbd" + ProcessHandle.current().pid();
        String subnet = "10.233." + ProcessHandle.current().pid() % 250 + ".";
        for (int i = 0; i < 5; i++) {
            run("ip", "netns", "add", tag);
            run("ip", "link", "add", tag, "type", "veth", "peer", "name", "eth0", "netns", tag);
            run("ip", "addr", "add", subnet + "1/30", "dev", tag);
            run("ip", "link", "set", tag, "up");
            run("ip", "-n", tag, "addr", "add", subnet + "2/30", "dev", "eth0");
            run("ip", "-n", tag, "link", "set", "eth0", "up");
            Thread.sleep(500);
            run("ip", "link", "del", tag);
            run("ip", "netns", "del", tag);
            Thread.sleep(500);
        }
        page.eval("window.go = false");

        assertThat(page.eval("window.done").asInt()).isPositive();
        assertThat(page.eval("window.failed.join('; ')").asText()).isEmpty();
        assertThat(page.errors()).noneMatch(e -> e.contains("ERR_NETWORK_CHANGED"));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void close_leavesNoChromiumProcessBehind(@TempDir Path ownProfile) throws IOException, InterruptedException {
        HeadlessChromium own = HeadlessChromium.launch(ownProfile);
        own.newPage().navigate(url("/form.html"));
        List<ProcessHandle> started = own.processes();
        assertThat(started).hasSizeGreaterThan(1); // the browser and its renderer, at least

        own.close();

        assertThat(started).noneMatch(ProcessHandle::isAlive);
    }
}
