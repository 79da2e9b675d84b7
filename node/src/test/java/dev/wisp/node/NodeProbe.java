package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.Await;
import dev.wisp.testing.PrometheusText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Looks at a node from outside: HTTP through its router, its Prometheus series, bounded waits. */
final class NodeProbe {
    private NodeProbe() {}

    /** "STATUS BODY" of a GET through the node's router. */
    static String get(Node node, String service, String path) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.routerPort() + path))
                            .header("Host", service + ".localhost")
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        }
    }

    static double counter(Node node, String series, String labels) {
        return PrometheusText.value(node.scrape(), series, labels);
    }

    static double wakes(Node node, String service, String path) {
        return counter(node, "wisp_wakes_total", "path=\"" + path + "\",service=\"" + service + "\"");
    }

    static long tier(Node node, String service, String tier) {
        return node.status(service).orElseThrow().count(tier);
    }

    /** Waits (a minute at most) for the service's one instance to run with its port, then checks it answers. */
    static void awaitServing(Node node, String service) throws IOException, InterruptedException {
        await(
                () -> tier(node, service, "running") == 1
                        && node.status(service).orElseThrow().instances().get(0).port() > 0,
                Duration.ofSeconds(60));
        assertThat(get(node, service, "/")).isEqualTo("200 hello from the node test");
    }

    static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Await.until(timeout, "the condition", condition);
    }
}
