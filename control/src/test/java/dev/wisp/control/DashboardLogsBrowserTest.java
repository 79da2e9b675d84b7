package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's log view in headless Chromium against a real control plane and a real microVM
 * whose app prints to stdout and stderr: the lines show with time, instance and stream, and with
 * Follow a line the app prints later arrives. Screenshots land in {@code target/dashboard-screenshots/}.
 */
@ExtendWith(VmTests.class)
class DashboardLogsBrowserTest {
    private static final Duration READY = Duration.ofSeconds(180);

    @TempDir
    static Path scratch;

    private static ControlPlane control;
    private static HeadlessChromium browser;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        Guests.assumeChromium();
        browser = HeadlessChromium.launch(scratch.resolve("chromium"));
        control = Guests.startForBrowser(scratch.resolve("data"), browser);
        Kernel kernel = VmTests.kernel();
        admin = Guests.adminToken(control);
        Path app = Files.createDirectories(scratch.resolve("app/www"));
        Files.writeString(app.resolve("index.html"), "hi\n");
        Image image = ImageBuilder.fromFolder(app.getParent())
                .entrypoint("echo dash-err >&2; httpd -p 8080 -h www;"
                        + " i=0; while true; do echo dash-tick $i; i=$((i+1)); sleep 1; done")
                .port(8080)
                .build(kernel, new ImageStore(scratch.resolve("builder")));
        Http http = new Http(control.apiUrl());
        String id = http.uploadImage(admin, image.dir());
        // Always on: a paused guest prints nothing, and this one must keep talking.
        http.created("/v1/services", admin, """
                {"name": "talker", "image": "%s", "standby": {"policy": "always-on"}}""".formatted(id));
    }

    @AfterAll
    static void stop() throws Exception {
        Closeables.closeAll(browser, control);
    }

    @Test
    void logView_showsTheAppsLinesAndFollowsNewOnes() throws Exception {
        BrowserPage page = browser.newPage();
        page.navigate(control.apiUrl() + "/#/services/talker");
        page.waitFor("the sign-in form", "!document.getElementById('login').hidden", Duration.ofSeconds(10));
        page.type("#login-token", admin);
        page.click("#login-form button[type=submit]");
        page.waitFor("talker ready", "document.querySelector('[data-service=talker] .ready.yes')", READY);
        page.click("[data-service=talker]");

        page.click("#logs-follow");
        String text = "document.getElementById('logs-text').textContent";
        try {
            page.waitFor(
                    "the app's stderr line",
                    "/ (tpl-)?talker-r1-[0-9a-f]{6}(-\\d+)? stderr dash-err/.test(" + text + ")",
                    READY);
        } catch (AssertionError e) {
            page.screenshot(DashboardPageTest.SCREENSHOTS.resolve("logs-00-no-stderr-line.png"));
            throw new AssertionError(
                    e.getMessage() + "; follow checked: "
                            + page.eval("document.getElementById('logs-follow').checked") + "; log view: "
                            + page.text(text),
                    e);
        }
        page.waitFor("a tick", "/ stdout dash-tick \\d+/.test(" + text + ")", READY);
        int ticks = page.eval(text + ".split('dash-tick').length").asInt();
        page.waitFor("a tick printed after following began", text + ".split('dash-tick').length > " + ticks, READY);
        page.screenshot(DashboardPageTest.SCREENSHOTS.resolve("logs-01-followed.png"));
        assertThat(page.text(text)).doesNotContain(" kernel ").containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+Z ");

        page.choose("#logs-stream", "kernel");
        page.waitFor("the kernel's lines", "/ kernel @@wisp ready/.test(" + text + ")", READY);
        assertThat(page.errors()).as("JavaScript errors in the page").isEmpty();
    }
}
