package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium against a real control plane with real microVMs: sign in,
 * deploy examples/hello from the page, load it with {@code hey} through the router, and watch
 * the instances appear, pause and wake in the page's DOM. Screenshots of every step land in
 * {@code target/dashboard-screenshots/}.
 */
@ExtendWith(VmTests.class)
class DashboardBrowserTest {
    private static final Duration READY = Duration.ofSeconds(120);
    private static final Duration CHANGE = Duration.ofSeconds(60);

    @TempDir
    static Path scratch;

    private static ControlPlane control;
    private static HeadlessChromium browser;
    private static String imageId;
    private static String adminToken;
    private final List<BrowserPage> pages = new ArrayList<>();
    private int shots;
    private String testName;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Guests.assumeChromium();
        browser = HeadlessChromium.launch(scratch.resolve("chromium"));
        control = Guests.startForBrowser(scratch.resolve("data"), browser);
        Kernel kernel = VmTests.kernel();
        adminToken = Guests.adminToken(control);
        imageId = upload(ImageBuilder.fromFolder(Path.of("..", "examples", "hello"))
                .entrypoint("httpd -f -p 8080 -h www")
                .port(8080)
                .build(kernel, new ImageStore(scratch.resolve("builder"))));
    }

    /** Sends the image to the API as a user would: its folder as a tar, through curl. */
    private static String upload(Image image) throws IOException, InterruptedException {
        Path tar = scratch.resolve("hello.tar");
        run("tar", "-cf", tar.toString(), "-C", image.dir().toString(), ".");
        String body = curlPost("/v1/images", "application/x-tar", "--data-binary", "@" + tar);
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        assertThat(id.find()).as("upload answer %s", body).isTrue();
        return id.group(1);
    }

    /** POSTs to the API as the admin with curl, as a user would; {@code data} is curl's data option and value. */
    private static String curlPost(String path, String contentType, String dataOption, String data)
            throws IOException, InterruptedException {
        return run(
                "curl",
                "-sS",
                "--fail-with-body",
                "-X",
                "POST",
                "-H",
                "Authorization: Bearer " + adminToken,
                "-H",
                "Content-Type: " + contentType,
                dataOption,
                data,
                control.apiUrl() + path);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue())
                .as("%s said: %s", String.join(" ", command), out)
                .isZero();
        return out;
    }

    @AfterAll
    static void stop() throws Exception {
        Closeables.closeAll(browser, control);
    }

    @BeforeEach
    void name(TestInfo test) {
        testName = test.getTestMethod().orElseThrow().getName().replaceAll("_.*", "");
    }

    @AfterEach
    void noPageErrors() {
        // An API answer the page shows as a message (a refused token, an unknown image, no /metrics: the
        // charts say so and charts_showRequestRateLatencyAndWakeLatency fails) is not a page error.
        String handled = "log: Failed to load resource: the server responded with a status of 4\\d\\d .*"
                + Pattern.quote(control.apiUrl()) + "(/v1/(services|images|signin)\\S*|/metrics)";
        for (BrowserPage page : pages) {
            assertThat(page.errors())
                    .as("JavaScript errors and failed loads in the page")
                    .filteredOn(e -> !e.matches(handled))
                    .isEmpty();
        }
    }

    @Test
    void dashboard_deploysAServiceAndShowsItsInstancesRunPauseAndWake() throws Exception {
        BrowserPage page = signedIn();
        page.waitFor("the node's capacity", "document.querySelector('#nodes meter[id^=mem-]')?.max > 64", CHANGE);
        shot(page, "signed-in");

        page.click("#new-service");
        page.type("#c-name", "hello");
        page.type("#c-image", imageId);
        page.choose("#c-standby", "pause");
        shot(page, "new-service-dialog");
        page.click("#form-create button[type=submit]");
        page.waitFor(
                "hello listed and selected",
                "document.querySelector('[data-service=hello][aria-current=page]')",
                Duration.ofSeconds(20));
        page.waitFor("hello ready", "document.querySelector('[data-service=hello] .ready.yes')", READY);
        shot(page, "deployed");

        CompletableFuture<String> load = hey("hello", "-z", "5s", "-c", "8");
        try {
            page.waitFor("a running instance", "document.querySelector('#instances tr[data-tier=running]')", CHANGE);
        } catch (AssertionError e) {
            shot(page, "no-running-instance");
            throw new AssertionError(e.getMessage() + "\nhey said: " + load.getNow("(still running)"), e);
        }
        shot(page, "running-under-load");
        assertThat(statuses(load.get(2, TimeUnit.MINUTES)))
                .as("hey's status counts")
                .containsOnlyKeys(200);

        page.waitFor(
                "every instance paused",
                "document.querySelector('#instances tr[data-tier=paused]')"
                        + " && !document.querySelector('#instances tr[data-tier=running]')",
                CHANGE);
        assertThat(page.eval("parseInt(document.querySelector('[data-service=hello] .dot.paused').textContent)")
                        .asInt())
                .as("paused instances counted in the service list")
                .isPositive();
        shot(page, "paused");

        String wakes = "document.querySelectorAll('#events li[data-kind=\"instance.wake\"]').length";
        int wakesBefore = page.eval(wakes).asInt();
        CompletableFuture<String> wake = hey("hello", "-z", "3s", "-c", "1");
        page.waitFor(
                "a paused instance running again",
                "document.querySelector('#instances tr[data-tier=running]')",
                CHANGE);
        page.waitFor("the wake in the event feed", wakes + " > " + wakesBefore, CHANGE);
        shot(page, "woken");
        assertThat(statuses(wake.get(2, TimeUnit.MINUTES))).containsOnlyKeys(200);

        page.click("#instances tbody tr button");
        page.waitFor(
                "the console text", "document.getElementById('console-text').textContent.includes('@@wisp')", CHANGE);
        shot(page, "console");

        page.click("#act-scaling");
        page.type("#s-max", "3");
        page.click("#form-scaling button[type=submit]");
        page.waitFor(
                "the new scale limits",
                "document.getElementById('service-meta').textContent.includes('scale 0–3')",
                CHANGE);
        page.click("#act-standby");
        page.choose("#p-policy", "snapshot");
        page.type("#p-snapshot", "30s");
        page.click("#form-standby button[type=submit]");
        page.waitFor(
                "the new standby policy",
                "document.getElementById('service-meta').textContent.includes('standby snapshot')",
                CHANGE);
        shot(page, "scaling-and-standby-changed");

        page.click("#act-deploy");
        page.type("#d-env", "GREETING=second");
        page.click("#form-deploy button[type=submit]");
        page.waitFor(
                "revision 2 serving",
                "document.querySelector('#revisions tr[data-revision=\"2\"][data-state=serving]')",
                READY);
        shot(page, "revision-2-serving");
        assertThat(page.text("document.querySelector('#revisions tr[data-revision=\"2\"]').textContent"))
                .contains("GREETING");

        page.click("#act-delete");
        page.type("#x-confirm", "hello");
        page.click("#form-delete button[type=submit]");
        page.waitFor("hello gone from the list", "!document.querySelector('[data-service=hello]')", CHANGE);
        shot(page, "deleted");
    }

    @Test
    void charts_showRequestRateLatencyAndWakeLatency() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(control.apiUrl() + "/metrics"))
                                .header("Authorization", "Bearer " + adminToken)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode())
                .as(
                        "the charts need GET /metrics (the node's Prometheus text) on the API's"
                                + " port, behind its bearer token; it answered %s",
                        metrics.statusCode())
                .isEqualTo(200);
        curlPost("/v1/services", "application/json", "--data", """
                        {"name": "charts", "image": "%s", "standby": {"policy": "pause"}}""".formatted(imageId));
        try {
            BrowserPage page = signedIn();
            page.click("[data-service=charts]");
            page.waitFor("charts ready", "document.querySelector('[data-service=charts] .ready.yes')", READY);

            assertThat(statuses(hey("charts", "-z", "4s", "-c", "4").get(2, TimeUnit.MINUTES)))
                    .containsOnlyKeys(200);
            page.waitFor(
                    "the request rate's peak",
                    "/peak [1-9]/.test(document.getElementById('rps-now').textContent)",
                    CHANGE);
            page.waitFor("the latency", "/ms/.test(document.getElementById('lat-now').textContent)", CHANGE);
            page.waitFor("the instance paused", "document.querySelector('#instances tr[data-tier=paused]')", CHANGE);
            assertThat(statuses(hey("charts", "-n", "20", "-c", "1").get(2, TimeUnit.MINUTES)))
                    .containsOnlyKeys(200);
            page.waitFor(
                    "a resume in the wake-latency chart",
                    "/ms, n=\\d/.test(document.getElementById('chart-wakes')"
                            + ".querySelector('text:nth-of-type(2)').textContent)",
                    CHANGE);
            shot(page, "traffic-and-wakes");
            assertThat(page.eval("document.querySelectorAll('#chart-rps path.line').length")
                            .asInt())
                    .isPositive();
        } finally {
            run(
                    "curl",
                    "-sS",
                    "--fail-with-body",
                    "-X",
                    "DELETE",
                    "-H",
                    "Authorization: Bearer " + adminToken,
                    control.apiUrl() + "/v1/services/charts");
        }
    }

    @Test
    void signIn_withAnUnknownTokenSaysSoAndStaysOnTheForm() throws IOException {
        BrowserPage page = browser.newPage();
        pages.add(page);
        page.navigate(control.apiUrl() + "/");
        page.waitFor("the sign-in form", "!document.getElementById('login').hidden", Duration.ofSeconds(10));

        page.type("#login-token", "wisp_" + "a".repeat(32));
        page.click("#login-form button[type=submit]");

        page.waitFor("the error", "!document.getElementById('login-error').hidden", Duration.ofSeconds(10));
        shot(page, "unknown-token");
        assertThat(page.text("document.getElementById('login-error').textContent"))
                .contains("(unauthorized)");
        assertThat(page.eval("document.getElementById('app').hidden").asBoolean())
                .isTrue();
    }

    @Test
    void signIn_withAOneTimeLinkOpensTheDashboard_andTheLinkWorksOnce() throws IOException {
        String link = control.signInLink();
        BrowserPage page = browser.newPage();
        pages.add(page);
        page.navigate(link);
        page.waitFor("the dashboard", "!document.getElementById('app').hidden", Duration.ofSeconds(20));
        shot(page, "signed-in-by-link");
        assertThat(page.text("location.hash"))
                .as("the code is taken off the URL")
                .doesNotContain("signin");

        BrowserPage second = browser.newPage();
        pages.add(second);
        second.navigate(link);
        second.waitFor("the sign-in form", "!document.getElementById('login').hidden", Duration.ofSeconds(20));
        assertThat(second.text("document.getElementById('login-error').textContent"))
                .contains("used or has expired")
                .contains("(unauthorized)");
    }

    @Test
    void newServiceDialog_showsTheApiErrorAndStaysOpen() throws IOException {
        BrowserPage page = signedIn();

        page.click("#new-service");
        page.type("#c-name", "ghost");
        page.type("#c-image", "0".repeat(16));
        page.click("#form-create button[type=submit]");

        page.waitFor(
                "the dialog's error", "!document.querySelector('#dlg-create .error').hidden", Duration.ofSeconds(20));
        shot(page, "api-error-in-dialog");
        assertThat(page.text("document.querySelector('#dlg-create .error').textContent"))
                .matches(".*\\S.* \\((bad_request|not_found|conflict)\\)");
        assertThat(page.eval("document.getElementById('dlg-create').open").asBoolean())
                .isTrue();
        assertThat(page.eval("!!document.querySelector('[data-service=ghost]')").asBoolean())
                .isFalse();
    }

    private BrowserPage signedIn() {
        BrowserPage page = browser.newPage();
        pages.add(page);
        page.navigate(control.apiUrl() + "/");
        page.waitFor("the sign-in form", "!document.getElementById('login').hidden", Duration.ofSeconds(10));
        page.type("#login-token", adminToken);
        page.click("#login-form button[type=submit]");
        page.waitFor("the services loaded", "document.body.dataset.loaded === 'true'", Duration.ofSeconds(20));
        page.waitFor(
                "the live stream", "document.getElementById('live').dataset.state === 'live'", Duration.ofSeconds(20));
        return page;
    }

    private void shot(BrowserPage page, String step) throws IOException {
        page.screenshot(DashboardPageTest.SCREENSHOTS.resolve("%s-%02d-%s.png".formatted(testName, ++shots, step)));
    }

    private static CompletableFuture<String> hey(String service, String... options) {
        List<String> cmd = new ArrayList<>(List.of("hey", "-host", service + ".localhost", "-t", "60"));
        cmd.addAll(List.of(options));
        cmd.add("http://127.0.0.1:" + control.routerPort() + "/");
        return CompletableFuture.supplyAsync(() -> {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                return out;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("hey failed", e);
            }
        });
    }

    /** hey's "[200] 123 responses" lines as status → count, plus -1 → 1 when it reported errors. */
    private static Map<Integer, Integer> statuses(String report) {
        Map<Integer, Integer> out = new TreeMap<>();
        Matcher m = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses").matcher(report);
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if (report.contains("Error distribution:")) {
            out.put(-1, 1);
        }
        return out;
    }
}
