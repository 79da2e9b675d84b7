package dev.wisp.control;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.wisp.common.FileTrees;
import dev.wisp.testing.Closeables;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Headless Chromium and a loopback JDK HTTP server with a test class's pages, as a JUnit 5
 * extension ({@code @RegisterExtension static final PageServer PAGES = new PageServer(site)}):
 * started before the class (skipped without Chromium), both closed after it.
 */
final class PageServer implements BeforeAllCallback, AfterAllCallback {
    private final Consumer<HttpServer> site;
    private HttpServer server;
    private HeadlessChromium browser;
    private Path profile;

    /** {@code site} adds the server's contexts before it starts. */
    PageServer(Consumer<HttpServer> site) {
        this.site = site;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        assumeTrue(HeadlessChromium.available(), "no " + HeadlessChromium.BINARY + " (apt-get install chromium)");
        profile = Files.createTempDirectory("wisp-chromium-");
        browser = HeadlessChromium.launch(profile);
        server = HttpServer.create(new InetSocketAddress(browser.hostAddress(), 0), 16);
        site.accept(server);
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        HttpServer started = server;
        Path made = profile;
        Closeables.closeAll(
                browser,
                started == null ? null : () -> started.stop(0),
                made == null ? null : () -> FileTrees.deleteQuietly(made));
    }

    HeadlessChromium browser() {
        return browser;
    }

    /** The browser's profile directory, deleted after the class: room for a test's files too. */
    Path profile() {
        return profile;
    }

    String url(String path) {
        return "http://" + browser.hostAddress() + ":" + server.getAddress().getPort() + path;
    }
}
