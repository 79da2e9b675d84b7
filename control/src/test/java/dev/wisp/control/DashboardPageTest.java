package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's own files in real Chromium, served as they are packaged (from the classpath) by
 * a plain static server: every module loads, the sign-in shows, and the page's metric arithmetic
 * holds. The live paths run against a real control plane in {@link DashboardBrowserTest}.
 */
class DashboardPageTest {
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final String ROOT = "dev/wisp/control/dashboard/";

    private static final List<String> streamRequests = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final PageServer SITE = new PageServer(DashboardPageTest::serve);

    /** The dashboard's files as packaged, and an event stream. */
    private static void serve(HttpServer server) {
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String name = path.equals("/") ? "index.html" : path.replaceFirst("^/dashboard/", "");
            try (InputStream in = DashboardPageTest.class.getClassLoader().getResourceAsStream(ROOT + name);
                    OutputStream out = ex.getResponseBody()) {
                if (in == null || name.contains("..")) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = in.readAllBytes();
                ex.getResponseHeaders()
                        .set(
                                "Content-Type",
                                name.endsWith(".js")
                                        ? "text/javascript"
                                        : name.endsWith(".css") ? "text/css" : "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, body.length);
                out.write(body);
            }
        });
        // A stream that ends after two events (one split over two data lines), then serves a third.
        server.createContext("/v1/events", ex -> {
            streamRequests.add(ex.getRequestHeaders().getFirst("Authorization") + " after "
                    + ex.getRequestHeaders().getFirst("Last-Event-ID"));
            String body = streamRequests.size() == 1
                    ? "retry: 100\n\nid: 1\nevent: instance.state\ndata: {\"seq\":1}\n\n: keep-alive\n\n"
                            + "id: 2\r\ndata: {\"seq\":2,\r\ndata: \"x\":1}\r\n\r\n"
                    : "id: 3\ndata: {\"seq\":3}\n\n";
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    private BrowserPage open() {
        BrowserPage page = SITE.browser().newPage();
        page.navigate(SITE.url("/"));
        return page;
    }

    @Test
    void page_loadsEveryModuleAndAsksForAToken() throws IOException {
        BrowserPage page = open();

        page.waitFor("the sign-in form", "!document.getElementById('login').hidden", Duration.ofSeconds(10));
        page.screenshot(SCREENSHOTS.resolve("00-sign-in.png"));
        assertThat(page.errors()).isEmpty();
        assertThat(page.text("document.activeElement.id")).isEqualTo("login-token");
        assertThat(page.text("document.querySelector('label[for=login-token]').textContent"))
                .isEqualTo("Token");
        assertThat(page.eval("document.getElementById('app').hidden").asBoolean())
                .isTrue();
    }

    @Test
    void metrics_turnTwoScrapesIntoRateAndLatency() {
        BrowserPage page = open();
        // Two scrapes 2 s apart: 40 more requests (4 of them 5xx), all under 5 ms but four under 50 ms.
        JsonNode point = page.eval("""
                import('/dashboard/metrics.js').then(({MetricsHistory}) => {
                  const scrape = (ok, bad, fast, slow) => `
                # TYPE wisp_router_requests_total counter
                wisp_router_requests_total{instance="hello-1",service="hello",status="2xx"} ${ok}
                wisp_router_requests_total{instance="hello-1",service="hello",status="5xx"} ${bad}
                wisp_router_request_duration_seconds_bucket{instance="hello-1",service="hello",le="0.005"} ${fast}
                wisp_router_request_duration_seconds_bucket{instance="hello-1",service="hello",le="0.05"} ${fast + slow}
                wisp_router_request_duration_seconds_bucket{instance="hello-1",service="hello",le="+Inf"} ${fast + slow}
                wisp_wake_seconds_bucket{path="resume_paused",service="hello",le="0.01"} 3
                wisp_wake_seconds_bucket{path="resume_paused",service="hello",le="+Inf"} 3
                wisp_wake_seconds_count{path="resume_paused",service="hello"} 3
                wisp_wake_seconds_sum{path="resume_paused",service="hello"} 0.021
                `;
                  const m = new MetricsHistory();
                  m.add(scrape(100, 0, 100, 0), 0);
                  m.add(scrape(136, 4, 136, 4), 2000);
                  const [p] = m.points('hello');
                  const [w] = m.wakesByPath('hello');
                  return {rps: p.rps, errors: p.errors, p50: p.p50, p99: p.p99, wakes: w.count, wakeMean: w.mean};
                })""");

        assertThat(point.get("rps").asDouble()).isEqualTo(20.0);
        assertThat(point.get("errors").asDouble()).isEqualTo(2.0);
        assertThat(point.get("p50").asDouble()).isBetween(0.0, 0.005);
        assertThat(point.get("p99").asDouble()).isBetween(0.005, 0.05);
        assertThat(point.get("wakes").asInt()).isEqualTo(3);
        assertThat(point.get("wakeMean").asDouble()).isEqualTo(0.007, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void metrics_ofEachRevisionCountForTheirServiceAndOtherTenantsSeriesAreLeftOut() {
        BrowserPage page = open();
        // This tenant's "hello" runs revisions 1 and 2; another tenant's "hello" is on the same node.
        JsonNode point = page.eval("""
                import('/dashboard/metrics.js').then(({MetricsHistory, serviceOfSeries}) => {
                  const services = [{name: 'hello', nodeServices: ['hello-r1-aaaaaa', 'hello-r2-aaaaaa']},
                                    {name: 'other', nodeServices: ['other-r1-cccccc']}];
                  const scrape = (n) => ['hello-r1-aaaaaa', 'hello-r2-aaaaaa', 'hello-r1-bbbbbb'].map((svc) => `
                wisp_router_requests_total{instance="i",service="${svc}",status="2xx"} ${n}
                wisp_wake_seconds_count{path="resume_paused",service="${svc}"} 2
                wisp_wake_seconds_sum{path="resume_paused",service="${svc}"} 0.02`).join('');
                  const m = new MetricsHistory((label) => serviceOfSeries(label, services));
                  m.add(scrape(10), 0);
                  m.add(scrape(30), 2000);
                  const [p] = m.points('hello');
                  const [w] = m.wakesByPath('hello');
                  return {rps: p.rps, wakes: w.count, foreign: serviceOfSeries('hello-r1-bbbbbb', services),
                          other: m.points('other').length};
                })""");

        assertThat(point.get("rps").asDouble()).isEqualTo(20.0); // 2 revisions x 20 requests in 2 s
        assertThat(point.get("wakes").asInt()).isEqualTo(4);
        assertThat(point.get("foreign").isNull()).isTrue();
        assertThat(point.get("other").asInt()).isZero();
    }

    @Test
    void eventStream_sendsTheTokenAndResumesAfterTheLastEventId() {
        BrowserPage page = open();

        JsonNode seen = page.eval("""
                import('/dashboard/live.js').then(({EventStream}) => new Promise((resolve) => {
                  const seen = [];
                  const stream = new EventStream('/v1/events', {Authorization: 'Bearer wisp_test'}, (e) => {
                    seen.push(JSON.parse(e.data));
                    if (seen.length === 3) { stream.stop(); resolve(seen); }
                  }, () => {});
                }))""");

        assertThat(seen.findValuesAsText("seq")).containsExactly("1", "2", "3");
        assertThat(seen.get(1).get("x").asInt()).isEqualTo(1);
        assertThat(streamRequests).startsWith("Bearer wisp_test after null", "Bearer wisp_test after 2");
    }

    @Test
    void environmentField_acceptsKeyValueLinesAndNamesABadOne() {
        BrowserPage page = open();

        JsonNode parsed = page.eval("import('/dashboard/forms.js').then(f => f.parseEnv('A=1\\n\\nB = two=2\\n'))");
        String error = page.text("import('/dashboard/forms.js').then(f => { try { f.parseEnv('A=1\\nnonsense'); }"
                + " catch (e) { return e.message; } })");

        assertThat(parsed.get("A").asText()).isEqualTo("1");
        assertThat(parsed.get("B").asText()).isEqualTo(" two=2");
        assertThat(error).isEqualTo("environment line 2 is not KEY=value: nonsense");
    }
}
